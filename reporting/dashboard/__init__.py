"""Reads for the dashboard: what a caseworker (or, across everyone, a supervisor) acts on today.

Every figure is counted by the database and every list is one query with the joins it shows (the
agenda, one a kind), so the number of queries stays the same whatever the number of cases. Where
a list is bounded by the open cases (a "needs action" tile, the agenda), one query reads its
first rows and how many there are (a window count); what grows with the years (completed cases,
failed reminders, check-ins never recorded) is counted with the pipeline in one query
(``figures``), and stops at ``counts.CAP`` ("1,000+"). Counts of the work in progress are exact.
Each list is read through an index in its own order, and only the columns the page shows are
read (``values()``).

- ``scope``: whose cases are counted (a ``Scope``: one caseworker's, or everybody's), what "now",
  "quiet" and "the coming days" are (a ``Moment``), and how the page writes a moment;
- ``tiles``: the figures and the "needs action today" tiles;
- ``agenda``: the shifts and meetings of the coming days, the check-ins due and the staff's tasks;
- ``staff``: the supervisors' case loads, and a user's calendar feed.

The views call the names below; the reports read through ``scope.Scope``.
"""

from .agenda import AgendaItem, agenda, checkins_and_tasks, checkins_list
from .scope import QUIET_DAYS, UPCOMING_DAYS, CaseLinks, DateLabels, Moment, Scope, scope_for
from .staff import calendar_feed, caseloads
from .tiles import Tile, action_tiles, figures

__all__ = [
    "QUIET_DAYS",
    "UPCOMING_DAYS",
    "AgendaItem",
    "CaseLinks",
    "DateLabels",
    "Moment",
    "Scope",
    "Tile",
    "action_tiles",
    "agenda",
    "calendar_feed",
    "caseloads",
    "checkins_and_tasks",
    "checkins_list",
    "figures",
    "scope_for",
]
