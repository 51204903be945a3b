"""Helpers for the reminder tests: what a case's reminders are, and running the dispatcher."""

from datetime import timedelta

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


def days(n: float) -> timedelta:
    return timedelta(days=n)


def later(n_days: float):
    return timezone.now() + days(n_days)
