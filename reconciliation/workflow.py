"""The one place that says what "done" means for a case's steps and which step comes next.

The steps themselves (what each one's "done" is, its actions, panel, reminders and portal
prompts) are in ``registry.REGISTRY``; here the program walks them. ``progress(snap)`` says, for
each step, whether it is done and what is missing, in plain words; ``advance(case, by)`` moves
the case forward while its current step is done, and completes the case after the last step.
The snapshot the rules look at is ``reconciliation.snapshot``.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from cases.services import WorkflowError, event_record

from .models import CheckIn, StepSkip
from .registry import REGISTRY, Step
from .snapshot import (
    CaseSnapshot,
    SkipsOf,
    must_sign,
    one_to_one,
    required_signers,
    snapshot,
    snapshots,
    with_snapshot,
)

# The snapshot's functions are the workflow's vocabulary: callers read them from here.
__all__ = [
    "WorkflowError",
    "StepState",
    "CaseSnapshot",
    "SkipsOf",
    "snapshot",
    "with_snapshot",
    "snapshots",
    "progress",
    "advance",
    "required_signers",
    "must_sign",
    "one_to_one",
]


@dataclass(frozen=True)
class StepState:
    step: int
    label: str
    done: bool
    missing: list[str] = field(default_factory=list)
    skipped: StepSkip | None = None
    panel_template: str = ""  # how the case page draws the step (``Step.panel_template``)


def step_state(snap: CaseSnapshot, step: Step | int) -> StepState:
    """Whether ``step`` (a step, or its number) is done for the case, and what is missing."""
    step = REGISTRY[step] if isinstance(step, int) else step
    if step.number in snap.skips:
        skipped = snap.skips[step.number]
        return StepState(step.number, step.label, done=True, skipped=skipped, panel_template=step.panel_template)
    missing = step.missing(snap)
    return StepState(step.number, step.label, done=not missing, missing=missing, panel_template=step.panel_template)


def progress(snap: CaseSnapshot) -> list[StepState]:
    """Each step of the program, in order: done or not, and what is missing."""
    return [step_state(snap, step) for step in REGISTRY]


def check_case_active(case: Case) -> None:
    """Steps move only on an open case."""
    if case.status != Case.Status.OPEN:
        raise WorkflowError(
            _("The case is %(status)s: nothing in the program can change until it is open.")
            % {"status": case.get_status_display().lower()}
        )


def check_step(case: Case, *slugs: str) -> None:
    """Refuse an action that belongs to a step the case is not at."""
    if REGISTRY[case.step].slug not in slugs:
        wanted = _(" or ").join(str(REGISTRY.named(slug).label).lower() for slug in slugs)
        raise WorkflowError(
            _("The case is at step %(step)s (%(label)s); this belongs to %(wanted)s.")
            % {"step": case.step, "label": str(REGISTRY[case.step].label).lower(), "wanted": wanted}
        )


def check_safety(snap: CaseSnapshot, message: str) -> None:
    if snap.needs_safety_approval:
        raise WorkflowError(message)


def advance(case: Case, *, by: AbstractBaseUser | None) -> Case:
    """Move the (locked) case past every step that is done; completing the last step completes the case."""
    while case.status == Case.Status.OPEN:
        snap = snapshot(case)
        if not step_state(snap, REGISTRY[case.step]).done:
            break
        if case.step < REGISTRY.last.number:
            previous = case.step
            case.step += 1
            case.save(update_fields=["step"])
            event_record(
                case=case,
                kind=CaseEvent.Kind.STEP,
                message=f"Step {previous} done; the case moves to step {case.step}: {REGISTRY[case.step].label}.",
                by=by,
                from_value=previous,
                to_value=case.step,
            )
        else:
            _complete(case, snap, by=by)
    return case


def _complete(case: Case, snap: CaseSnapshot, *, by: AbstractBaseUser | None) -> None:
    now = timezone.now()
    case.status = Case.Status.COMPLETED
    case.completed_at = now
    case.save(update_fields=["status", "completed_at"])
    start = timezone.localdate(snap.commitment.agreed_at if snap.commitment and snap.commitment.agreed_at else now)
    days = settings.CHECKIN_DAYS
    CheckIn.objects.bulk_create(
        [CheckIn(case=case, days_after=d, due_on=start + timedelta(days=d)) for d in days], ignore_conflicts=True
    )
    event_record(
        case=case,
        kind=CaseEvent.Kind.STATUS,
        message=f"Every step is done: the case is completed. Check-ins after {', '.join(map(str, days))} days.",
        by=by,
        from_value=Case.Status.OPEN,
        to_value=Case.Status.COMPLETED,
    )
