"""The one place that says what "done" means for each step and which step comes next.

``snapshot(case)`` loads everything the rules look at in a fixed number of queries;
``progress(snap)`` says, for each step, whether it is done and what is missing, in plain
words; ``advance(case, by)`` moves the case forward while its current step is done, and
completes the case when step 5 is.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant
from cases.services import WorkflowError, event_record

from .models import (
    CheckIn,
    Commitment,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
    StepSkip,
)

__all__ = [
    "WorkflowError",
    "StepState",
    "CaseSnapshot",
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


@dataclass
class CaseSnapshot:
    """What the rules need to know about a case, loaded at once."""

    case: Case
    participants: list[Participant]
    reflection: Reflection | None
    plan: ReconciliationPlan | None
    signoffs: dict[int, PlanSignoff]
    attended_hours: Decimal
    meeting: RestorativeMeeting | None
    commitment: Commitment | None
    skips: Mapping[int, StepSkip]
    safety_approval: SafetyApproval | None

    @property
    def needs_safety_approval(self) -> bool:
        return self.case.risk == Case.Risk.HIGH and self.safety_approval is None

    def customer(self) -> Participant | None:
        return next((p for p in self.participants if p.role == Participant.Role.CUSTOMER), None)


class SkipsOf(Mapping):
    """A case's skipped steps by step, read on first use: the portal's pages never ask."""

    def __init__(self, case: Case) -> None:
        self._case = case

    @cached_property
    def _by_step(self) -> dict[int, StepSkip]:
        return {skip.step: skip for skip in self._case.step_skips.all()}

    def __getitem__(self, step: int) -> StepSkip:
        return self._by_step[step]

    def __iter__(self):
        return iter(self._by_step)

    def __len__(self) -> int:
        return len(self._by_step)


def with_snapshot(cases: QuerySet[Case], *, skips: bool = True) -> QuerySet[Case]:
    """``cases`` with what ``snapshot`` reads about a case, in the same query (its skips: one query
    more, unless ``skips`` is false; then they are read if and when asked for).

    A page that shows one case loads it this way, and its snapshot then costs only the
    participants and the current plan with its sign-offs.
    """
    attended = (
        RoleSwapShift.objects.filter(case=OuterRef("pk"), state=RoleSwapShift.State.ATTENDED)
        .order_by()
        .values("case")
        .annotate(total=Sum("hours_attended"))
        .values("total")
    )
    current_plan = ReconciliationPlan.objects.filter(case=OuterRef("pk")).order_by("-version").values("pk")[:1]
    cases = cases.select_related("reflection", "meeting", "commitment", "safety_approval__approved_by").annotate(
        snapshot_attended_hours=Subquery(attended), snapshot_plan_id=Subquery(current_plan)
    )
    if skips:
        cases = cases.prefetch_related(Prefetch("step_skips", queryset=StepSkip.objects.select_related("skipped_by")))
    return cases


def snapshot(case: Case, *, participants: list[Participant] | None = None) -> CaseSnapshot:
    """What the rules look at, in a fixed number of queries however long the case's history.

    One query reads the case's one-to-one rows (reflection, meeting, commitments, safety
    approval), the attended hours and which plan version is current, unless ``case`` was
    loaded ``with_snapshot``; then come its skips, its participants (unless given, ordered by
    role and id), the current plan and that plan's sign-offs.
    """
    row = case if hasattr(case, "snapshot_plan_id") else with_snapshot(Case.objects.filter(pk=case.pk)).get()
    plan = ReconciliationPlan.objects.filter(pk=row.snapshot_plan_id).first() if row.snapshot_plan_id else None
    return CaseSnapshot(
        case=case,
        participants=list(participants) if participants is not None else list(case.participants.order_by("role", "id")),
        reflection=one_to_one(row, "reflection"),
        plan=plan,
        signoffs={s.participant_id: s for s in plan.signoffs.all()} if plan else {},
        attended_hours=row.snapshot_attended_hours or Decimal(0),
        meeting=one_to_one(row, "meeting"),
        commitment=one_to_one(row, "commitment"),
        skips=SkipsOf(row),
        safety_approval=one_to_one(row, "safety_approval"),
    )


def snapshots(cases: list[Case]) -> dict[int, CaseSnapshot]:
    """The snapshot of each of ``cases`` (loaded ``with_snapshot``), by case id: three queries, however many."""
    ids = [case.pk for case in cases]
    people: dict[int, list[Participant]] = {}
    for person in Participant.objects.filter(case_id__in=ids).order_by("case_id", "role", "id"):
        people.setdefault(person.case_id, []).append(person)
    plan_ids = [case.snapshot_plan_id for case in cases if case.snapshot_plan_id]
    plans = {plan.pk: plan for plan in ReconciliationPlan.objects.filter(pk__in=plan_ids)}
    signoffs: dict[int, dict[int, PlanSignoff]] = {}
    for signoff in PlanSignoff.objects.filter(plan_id__in=plan_ids):
        signoffs.setdefault(signoff.plan_id, {})[signoff.participant_id] = signoff
    return {
        case.pk: CaseSnapshot(
            case=case,
            participants=people.get(case.pk, []),
            reflection=one_to_one(case, "reflection"),
            plan=plans.get(case.snapshot_plan_id),
            signoffs=signoffs.get(case.snapshot_plan_id, {}),
            attended_hours=case.snapshot_attended_hours or Decimal(0),
            meeting=one_to_one(case, "meeting"),
            commitment=one_to_one(case, "commitment"),
            skips={skip.step: skip for skip in case.step_skips.all()},
            safety_approval=one_to_one(case, "safety_approval"),
        )
        for case in cases
    }


def one_to_one(row: Case, name: str):
    """The case's row of a one-to-one relation (read with the case by ``with_snapshot``), or None."""
    return getattr(row, name, None)  # a missing one raises RelatedObjectDoesNotExist, an AttributeError


def must_sign(person: Participant) -> bool:
    """Whether the plan waits for this participant: the customer, the business (unless it declined)
    and each consenting agent."""
    if person.role == Participant.Role.CUSTOMER:
        return True
    if person.role == Participant.Role.BUSINESS:
        return person.consent not in {Participant.Consent.DECLINED, Participant.Consent.WITHDRAWN}
    return person.role == Participant.Role.AGENT and person.consent == Participant.Consent.GIVEN


def required_signers(participants: list[Participant]) -> list[Participant]:
    """Who must agree to the plan (``must_sign``), in the order given."""
    return [person for person in participants if must_sign(person)]


def _reflection_missing(snap: CaseSnapshot) -> list[str]:
    reflection = snap.reflection
    if reflection is None:
        return ["The customer has not started the reflection."]
    if reflection.state == Reflection.State.DRAFT:
        return ["The customer is writing the reflection (a draft is saved)."]
    if reflection.state == Reflection.State.SUBMITTED:
        return ["The reflection is submitted and waiting for the caseworker's review."]
    return []


def _plan_missing(snap: CaseSnapshot) -> list[str]:
    if snap.plan is None:
        return ["No plan has been drafted yet."]
    signers = required_signers(snap.participants)
    if not any(p.role == Participant.Role.BUSINESS for p in signers):
        missing = ["The business has no representative on the case to sign the plan."]
    else:
        missing = []
    agreed = [p for p in signers if (s := snap.signoffs.get(p.pk)) and s.decision == PlanSignoff.Decision.AGREED]
    waiting = [p for p in signers if p not in agreed]
    if waiting:
        names = ", ".join(f"the {p.get_role_display().lower()} ({p.name})" for p in waiting)
        missing.insert(
            0, f"{len(agreed)} of {len(signers)} sign-offs on version {snap.plan.version}: waiting for {names}."
        )
    for person in waiting:
        signoff = snap.signoffs.get(person.pk)
        if signoff and signoff.decision == PlanSignoff.Decision.CHANGES_REQUESTED:
            missing.append(f"{person.name} asked for changes: “{signoff.comment or 'no comment'}”.")
    return missing


def _role_swap_missing(snap: CaseSnapshot) -> list[str]:
    if snap.plan is None:
        return ["No plan sets the role-swap hours yet."]
    if snap.attended_hours >= snap.plan.role_swap_hours:
        return []
    missing = [f"{snap.attended_hours:.1f} of {snap.plan.role_swap_hours:.1f} role-swap hours attended."]
    if snap.needs_safety_approval:
        missing.append("High risk: a supervisor must approve before any shift is scheduled.")
    return missing


def _meeting_missing(snap: CaseSnapshot) -> list[str]:
    meeting = snap.meeting
    missing = []
    if snap.needs_safety_approval:
        missing.append("High risk: a supervisor must approve before the meeting is scheduled.")
    if meeting is None:
        missing.insert(0, "No meeting has been scheduled.")
    elif meeting.state == RestorativeMeeting.State.SCHEDULED:
        missing.insert(
            0, f"Scheduled for {timezone.localtime(meeting.scheduled_at):%Y-%m-%d %H:%M}: record the outcome once held."
        )
    else:
        return []
    return missing


def _commitments_missing(snap: CaseSnapshot) -> list[str]:
    if snap.commitment is None:
        return ["No commitments have been written yet."]
    if snap.commitment.agreed_at is None:
        return ["Waiting for the customer to agree to the commitments."]
    return []


MISSING = {
    Case.Step.REFLECTION: _reflection_missing,
    Case.Step.PLAN: _plan_missing,
    Case.Step.ROLE_SWAP: _role_swap_missing,
    Case.Step.MEETING: _meeting_missing,
    Case.Step.COMMITMENTS: _commitments_missing,
}


def step_state(snap: CaseSnapshot, step: int) -> StepState:
    label = Case.Step(step).label
    if step in snap.skips:
        return StepState(step=step, label=label, done=True, skipped=snap.skips[step])
    missing = MISSING[step](snap)
    return StepState(step=step, label=label, done=not missing, missing=missing)


def progress(snap: CaseSnapshot) -> list[StepState]:
    return [step_state(snap, step) for step in Case.Step.values]


def check_case_active(case: Case) -> None:
    """Steps move only on an open case."""
    if case.status != Case.Status.OPEN:
        raise WorkflowError(
            _("The case is %(status)s: nothing in the program can change until it is open.")
            % {"status": case.get_status_display().lower()}
        )


def check_step(case: Case, *steps: int) -> None:
    """The action belongs to a step the case is not at."""
    if case.step not in steps:
        wanted = _(" or ").join(str(Case.Step(step).label).lower() for step in steps)
        raise WorkflowError(
            _("The case is at step %(step)s (%(label)s); this belongs to %(wanted)s.")
            % {"step": case.step, "label": case.get_step_display().lower(), "wanted": wanted}
        )


def check_safety(snap: CaseSnapshot, message: str) -> None:
    if snap.needs_safety_approval:
        raise WorkflowError(message)


def advance(case: Case, *, by: AbstractBaseUser | None) -> Case:
    """Move the (locked) case past every step that is done; completing step 5 completes the case."""
    while case.status == Case.Status.OPEN:
        snap = snapshot(case)
        if not step_state(snap, case.step).done:
            break
        if case.step < Case.Step.COMMITMENTS:
            previous = case.step
            case.step += 1
            case.save(update_fields=["step"])
            event_record(
                case=case,
                kind=CaseEvent.Kind.STEP,
                message=f"Step {previous} done; the case moves to step {case.step}: {case.get_step_display()}.",
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
        message=f"All five steps are done: the case is completed. Check-ins after {', '.join(map(str, days))} days.",
        by=by,
        from_value=Case.Status.OPEN,
        to_value=Case.Status.COMPLETED,
    )
