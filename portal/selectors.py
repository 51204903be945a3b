"""Reads for the portal's pages."""

from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet, Value
from django.utils import timezone

from cases.models import Case, Participant
from compassion.prepared import Prepared
from questionnaires import selectors as questionnaire_selectors
from reconciliation import workflow
from reconciliation.models import CheckIn, PersonalTime, PlanSignoff, RoleSwapShift

CUSTOMER, AGENT, BUSINESS = Participant.Role.CUSTOMER, Participant.Role.AGENT, Participant.Role.BUSINESS


def participant_case(participant: Participant) -> Case:
    """The participant's case, with what the pages and ``workflow.snapshot`` read about it, in one query.

    The home page's questions come with it, those of the participant's role only:
    ``has_shifts`` (customer, business), ``has_proposed_shifts`` (business), ``has_checkin_due``
    (customer: a check-in due today or earlier), ``has_personal_time`` (of the participant's, for a
    staff member) and ``personal_time_awaits_answer`` (customer, agent: proposed, and this
    participant has not said yes yet), ``has_questions_waiting`` and ``was_ever_asked`` (questions,
    the latter making the research page worth showing). A question a role never asks reads as false.

    Every portal page reads it, so it is prepared once per role (``compassion.prepared``: building
    and compiling it each time was most of a portal page's time).
    """
    return CASE_READ_BY_ROLE[participant.role].get(
        case=participant.case_id, participant=participant.pk, today=timezone.localdate(), now=timezone.now()
    )


def _case_of(role: str) -> Prepared:
    """The read of a case for a participant of ``role``, prepared: ``participant_case``."""

    def build(*, case: int, participant: int, now: datetime, today: date | None = None) -> QuerySet[Case]:
        person = Participant(pk=participant, case_id=case, role=role)
        shifts = RoleSwapShift.objects.filter(case=OuterRef("pk"))
        times = PersonalTime.objects.filter(case=OuterRef("pk"))
        if role == AGENT:
            times = times.filter(agent_id=participant)
        unanswered = _NOT_YET_AGREED.get(role)
        no = Value(False)
        cases = Case.objects.select_related("incident__business", "caseworker__staff_contact").annotate(
            has_shifts=Exists(shifts) if role in {CUSTOMER, BUSINESS} else no,
            has_proposed_shifts=Exists(shifts.filter(state=RoleSwapShift.State.PROPOSED)) if role == BUSINESS else no,
            has_checkin_due=(
                Exists(CheckIn.objects.filter(case=OuterRef("pk"), state=CheckIn.State.DUE, due_on__lte=today))
                if role == CUSTOMER
                else no
            ),
            has_personal_time=Exists(times) if unanswered else no,
            personal_time_awaits_answer=(
                Exists(times.filter(state=PersonalTime.State.PROPOSED, **unanswered)) if unanswered else no
            ),
            has_questions_waiting=Exists(questionnaire_selectors.open_invitations(person, now=now)),
            was_ever_asked=Exists(questionnaire_selectors.asked(person, now=now)),
        )
        return workflow.with_snapshot(cases, skips=False).filter(pk=case)

    values = {"case": int, "participant": int, "now": datetime} | ({"today": date} if role == CUSTOMER else {})
    return Prepared(build, **values)


# Personal time this participant has not said yes to yet, by role.
_NOT_YET_AGREED = {CUSTOMER: {"customer_agreed_at__isnull": True}, AGENT: {"agent_agreed_at__isnull": True}}
CASE_READ_BY_ROLE = {role: _case_of(role) for role in (CUSTOMER, AGENT, BUSINESS)}


def agreed_to_current_plan(participant: Participant) -> bool:
    """Whether the participant agreed to the case's current plan (``participant.case`` read by
    ``participant_case``, which knows which plan that is)."""
    return PlanSignoff.objects.filter(
        plan_id=participant.case.snapshot_plan_id, participant=participant, decision=PlanSignoff.Decision.AGREED
    ).exists()
