"""Whose cases the dashboard reads (a ``Scope``), at what moment (a ``Moment``), how it writes
the moments it shows (``DateLabels``) and the addresses of its cases' pages (``CaseLinks``). The
reports and the research export read through the same ``Scope``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone

from cases.models import Case
from cases.roles import is_caseworker, is_supervisor
from cases.selectors import SPOKE_UP_DAYS
from compassion.prepared import Prepared, PreparedSQL

QUIET_DAYS = 14
UPCOMING_DAYS = 7


@dataclass(frozen=True)
class Scope:
    """Whose cases are counted: one caseworker's (``caseworker_id``), or everybody's (None)."""

    caseworker_id: int | None

    @property
    def everyone(self) -> bool:
        return self.caseworker_id is None

    def cases(self) -> QuerySet[Case]:
        return self.filter(Case.objects.all(), path="")

    def filter(self, queryset: QuerySet, path: str = "case") -> QuerySet:
        """``queryset`` narrowed to the scope; ``path`` leads from its model to the case."""
        if self.caseworker_id is None:
            return queryset
        return queryset.filter(**{f"{path}{'__' if path else ''}caseworker_id": self.caseworker_id})


def scope_for(user: AbstractBaseUser | AnonymousUser, *, caseworker: AbstractBaseUser | None = None) -> Scope:
    """A caseworker sees their own cases; a supervisor everyone's, or one caseworker's if chosen."""
    if is_supervisor(user):
        return Scope(caseworker.pk if caseworker is not None else None)
    if is_caseworker(user):
        return Scope(user.pk)
    raise Http404("Not found.")


@dataclass(frozen=True)
class Moment:
    """The dashboard's point in time, and from it when "quiet" starts (``QUIET_DAYS`` ago), when
    the coming days end (``UPCOMING_DAYS`` on) and since when a "don't contact me" is shown
    (``SPOKE_UP_DAYS``). These are worked out from ``now`` and ``today`` unless given: the
    dashboard's prepared reads pass each as a value of its own."""

    now: datetime
    today: date
    quiet_since: datetime | None = None
    week_ahead: datetime | None = None
    checkins_until: date | None = None
    spoke_up_since: datetime | None = None

    def __post_init__(self) -> None:
        worked_out = {
            "quiet_since": self.now - timedelta(days=QUIET_DAYS),
            "spoke_up_since": self.now - timedelta(days=SPOKE_UP_DAYS),
            "week_ahead": self.now + timedelta(days=UPCOMING_DAYS),
            "checkins_until": self.today + timedelta(days=UPCOMING_DAYS),
        }
        for name, value in worked_out.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)

    def values(self) -> dict[str, datetime | date]:
        """Its moments by name, as a prepared read takes them."""
        return {name: getattr(self, name) for name in MOMENT_KINDS}


# A Moment's values and their kinds, for a prepared read.
MOMENT_KINDS = {
    "now": datetime,
    "today": date,
    "quiet_since": datetime,
    "week_ahead": datetime,
    "checkins_until": date,
    "spoke_up_since": datetime,
}


def prepared_per_scope(kind: type[Prepared] | type[PreparedSQL], read: Callable) -> dict[bool, Any]:
    """``read(scope, moment, **rest)`` (a queryset for ``Prepared``, a statement for ``PreparedSQL``)
    prepared (``compassion.prepared``) for everybody's cases (True) and for one caseworker's
    (False). Run the one for a scope with ``scoped_values(scope, moment)``, and a ``PreparedSQL``'s
    ``shape``, which reaches ``read`` with the rest."""

    def prepare(everyone: bool) -> Prepared | PreparedSQL:
        def build(*, caseworker: int | None = None, **values):
            moments = {name: values.pop(name) for name in MOMENT_KINDS}
            return read(Scope(None if everyone else caseworker), Moment(**moments), **values)

        return kind(build, **MOMENT_KINDS, **({} if everyone else {"caseworker": int}))

    return {everyone: prepare(everyone) for everyone in (True, False)}


def scoped_values(scope: Scope, moment: Moment) -> dict[str, Any]:
    """What a read of ``prepared_per_scope`` runs with: the scope's caseworker and the moment's values."""
    return {"caseworker": scope.caseworker_id, **moment.values()}


class CaseLinks:
    """Each case's page address (``reverse``), reversed once however often the lists name the case."""

    def __init__(self) -> None:
        self._urls: dict[str, str] = {}

    def __call__(self, reference: str) -> str:
        if reference not in self._urls:
            self._urls[reference] = reverse("cases:detail", args=[reference])
        return self._urls[reference]


class DateLabels:
    """Dates and times as the template's ``date`` filter writes them (current language and time
    zone), each day written once: the agenda and the check-ins come back to the same few days.
    """

    def __init__(self) -> None:
        self._days: dict[tuple[date, str], str] = {}

    def day(self, value: date, date_format: str) -> str:
        """``value|date:date_format`` for a format of the day only ("M j")."""
        if (value, date_format) not in self._days:
            self._days[value, date_format] = formats.date_format(value, date_format)
        return self._days[value, date_format]

    def moment(self, value: datetime) -> str:
        """``value|date:"D M j, H:i"``."""
        local = timezone.localtime(value)
        return f"{self.day(local.date(), 'D M j')}, {local:%H:%M}"

    @staticmethod
    def time(value: datetime) -> str:
        """``value|date:"H:i"``."""
        return f"{timezone.localtime(value):%H:%M}"
