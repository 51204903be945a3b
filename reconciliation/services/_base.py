"""What the program's services share: the case's lock, the timeline line, moving the case on, checks of input."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hooks
from cases.models import Case, CaseEvent, Participant
from cases.services import event_record

from .. import workflow
from ..workflow import WorkflowError

Actor = AbstractBaseUser | Participant

MAX_SHIFT_HOURS = 12
REQUIRED_REFLECTION_ANSWERS = ("what_happened", "what_you_felt", "agent_perspective", "regrets")


def lock(case: Case) -> Case:
    return (
        Case.objects.select_related("incident__business", "caseworker").select_for_update(of=("self",)).get(pk=case.pk)
    )


def record(case: Case, kind: str, message: str, by: Actor, **values) -> CaseEvent:
    actor = {"by_participant": by} if isinstance(by, Participant) else {"by": by}
    event = event_record(case=case, kind=kind, message=message, **actor, **values)
    hooks.notify_case_changed(case)  # reminders follow every change of the case
    return event


def advance(case: Case, by: Actor) -> Case:
    before = (case.step, case.status)
    workflow.advance(case, by=None if isinstance(by, Participant) else by)
    if (case.step, case.status) != before:
        hooks.notify_case_changed(case)  # a new step, or the check-ins of a completed case
    return case


def required_text(value: str, missing: str) -> str:
    """The value without surrounding blanks; ``missing`` is the message when there is nothing."""
    value = (value or "").strip()
    if not value:
        raise WorkflowError(missing)
    return value


def in_future(moment: datetime, message: str) -> None:
    """A time to schedule: after now, and no further ahead than ``SCHEDULE_AHEAD_DAYS``."""
    now = timezone.now()
    if moment <= now:
        raise WorkflowError(message)
    if moment > now + timedelta(days=settings.SCHEDULE_AHEAD_DAYS):
        raise WorkflowError(
            _("Please choose a time within the next %(days)s days.") % {"days": settings.SCHEDULE_AHEAD_DAYS}
        )


def check_period(starts_at: datetime, ends_at: datetime, message: str) -> None:
    if ends_at <= starts_at:
        raise WorkflowError(message)

