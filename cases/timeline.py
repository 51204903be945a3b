"""The case's timeline, and the refusal every rule raises: the two things every part of the app writes.

``event_record`` writes one line on a case's timeline (who, when, what, from, to) and marks the
case active; ``WorkflowError`` is a move the program's rules do not allow, with a sentence for the
person who tried it. ``cases.services`` offers both to the apps above.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import hooks
from .models import Case, CaseEvent, Participant


class WorkflowError(ValidationError):
    """A move the program's rules do not allow. The message is shown to the user as is."""


def event_record(
    *,
    case: Case,
    kind: str,
    message: str,
    by: AbstractBaseUser | None = None,
    by_participant: Participant | None = None,
    from_value: object = "",
    to_value: object = "",
) -> CaseEvent:
    """Write one line on the case's timeline and mark the case as active now."""
    now = timezone.now()
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        message=message,
        actor=by,
        actor_participant=by_participant,
        from_value=str(from_value),
        to_value=str(to_value),
        created_at=now,
    )
    Case.objects.filter(pk=case.pk).update(last_activity_at=now)
    case.last_activity_at = now
    hooks.notify_event_recorded(event)
    return event
