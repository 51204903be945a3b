"""What the program's rules look at about a case, read at once: its snapshot.

``snapshot(case)`` loads it in a fixed number of queries however long the case's history;
``with_snapshot(cases)`` reads the one-to-one rows, the attended hours and the current plan
with the cases themselves; ``snapshots(cases)`` many at once (the dispatcher, the demo).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum, prefetch_related_objects
from django.utils.functional import cached_property

from cases.models import Case, Participant

from .models import (
    Commitment,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
    StepSkip,
)


@dataclass
class CaseSnapshot:
    """What the rules need to know about a case, loaded at once."""

    case: Case
    participants: list[Participant]
    reflection: Reflection | None
    plan: ReconciliationPlan | None
    signoffs: dict[int, PlanSignoff]
    attended_minutes: int
    meeting: RestorativeMeeting | None
    commitment: Commitment | None
    skips: Mapping[int, StepSkip]
    safety_approval: SafetyApproval | None

    @property
    def attended_hours(self) -> Decimal:
        return Decimal(self.attended_minutes) / 60

    @property
    def needs_safety_approval(self) -> bool:
        return self.case.risk == Case.Risk.HIGH and self.safety_approval is None

    def customer(self) -> Participant | None:
        return next((p for p in self.participants if p.role == Participant.Role.CUSTOMER), None)


class SkipsOf(Mapping):
    """A case's skipped steps by step, read on first use (the portal's pages never ask), and not at
    all when the case was read with ``has_step_skips`` false (the case page: most cases skip nothing)."""

    def __init__(self, case: Case) -> None:
        self._case = case

    @cached_property
    def _by_step(self) -> dict[int, StepSkip]:
        if not getattr(self._case, "has_step_skips", True):
            return {}
        prefetch_related_objects([self._case], _skips_with_who())  # nothing is read if they were prefetched
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
    participants and the current plan with its sign-offs. Who approved a high-risk case is not
    read (the rules ask only whether it was approved); the case page, which names them, adds it.
    """
    attended = (
        RoleSwapShift.objects.filter(case=OuterRef("pk"), state=RoleSwapShift.State.ATTENDED)
        .order_by()
        .values("case")
        .annotate(total=Sum("minutes_attended"))
        .values("total")
    )
    current_plan = ReconciliationPlan.objects.filter(case=OuterRef("pk")).order_by("-version").values("pk")[:1]
    cases = cases.select_related("reflection", "meeting", "commitment", "safety_approval").annotate(
        snapshot_attended_minutes=Subquery(attended), snapshot_plan_id=Subquery(current_plan)
    )
    if skips:
        cases = cases.prefetch_related(_skips_with_who())
    return cases


def _skips_with_who() -> Prefetch:
    return Prefetch("step_skips", queryset=StepSkip.objects.select_related("skipped_by"))


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
        attended_minutes=row.snapshot_attended_minutes or 0,
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
            attended_minutes=case.snapshot_attended_minutes or 0,
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
        return person.takes_part
    # A staff member who asked not to be contacted is not waited for: nothing can be sent to them.
    return (
        person.role == Participant.Role.AGENT
        and person.consent == Participant.Consent.GIVEN
        and person.contact_stopped_at is None
    )


def required_signers(participants: list[Participant]) -> list[Participant]:
    """Who must agree to the plan (``must_sign``), in the order given."""
    return [person for person in participants if must_sign(person)]
