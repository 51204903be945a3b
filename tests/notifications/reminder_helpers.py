"""Helpers for the reminder tests: what a case's reminders are, and running the dispatcher."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from notifications import dispatch
from notifications.models import Reminder


def scheduled(case, kind=None) -> list[Reminder]:
    rows = case.reminders.filter(state=Reminder.State.SCHEDULED).select_related("participant", "user")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("due_at", "id"))


def kinds(case, state=Reminder.State.SCHEDULED) -> set[tuple[str, str]]:
    """(kind, recipient's name or username) of the case's reminders in ``state``."""
    rows = case.reminders.filter(state=state).select_related("participant", "user")
    return {(r.kind, r.participant.name if r.participant_id else r.user.username) for r in rows}


def dispatch_at(moment) -> dispatch.PassResult:
    """One dispatcher pass as if it ran at ``moment`` (the clock stands still meanwhile)."""
    with time_machine.travel(moment, tick=False):
        return dispatch.reminders_dispatch()


NEW_YORK = ZoneInfo("America/New_York")  # the tests' TIME_ZONE, and the time zone of their phone numbers


def next_at(moment: datetime, hour: int, minute: int = 0) -> datetime:
    """The first ``hour:minute`` in New York after ``moment``: a time of day to dispatch at once a
    reminder is due, whatever the time of day the test runs at."""
    local = moment.astimezone(NEW_YORK)
    then = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return then if then > local else then + timedelta(days=1)


def at_noon(moment: datetime) -> datetime:
    """The first noon in New York after ``moment``: daytime, when texts go."""
    return next_at(moment, 12)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def later(n_days: float):
    return timezone.now() + days(n_days)
