"""Reads for the portal's pages."""

from functools import cache

from django.db.models import Exists, OuterRef, QuerySet, Value
from django.utils import timezone

from cases.models import Case, Participant
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
    """
    role, no = participant.role, Value(False)
    shifts = RoleSwapShift.objects.filter(case=OuterRef("pk"))
    times = PersonalTime.objects.filter(case=OuterRef("pk"))
    if role == AGENT:
        times = times.filter(agent_id=participant.pk)
    unanswered = {CUSTOMER: {"customer_agreed_at__isnull": True}, AGENT: {"agent_agreed_at__isnull": True}}.get(role)
    due = CheckIn.objects.filter(case=OuterRef("pk"), state=CheckIn.State.DUE, due_on__lte=timezone.localdate())
    cases = _cases_with_snapshot().annotate(
        has_shifts=Exists(shifts) if role in {CUSTOMER, BUSINESS} else no,
        has_proposed_shifts=Exists(shifts.filter(state=RoleSwapShift.State.PROPOSED)) if role == BUSINESS else no,
        has_checkin_due=Exists(due) if role == CUSTOMER else no,
        has_personal_time=Exists(times) if unanswered else no,
        personal_time_awaits_answer=(
            Exists(times.filter(state=PersonalTime.State.PROPOSED, **unanswered)) if unanswered else no
        ),
        has_questions_waiting=Exists(questionnaire_selectors.open_invitations(participant)),
        was_ever_asked=Exists(questionnaire_selectors.asked(participant)),
    )
    return cases.get(pk=participant.case_id)


@cache
def _cases_with_snapshot() -> QuerySet[Case]:
    """Cases as every portal page reads them: with the business, whom to call, and the snapshot.
    Built once: a queryset is a value, and each request asks a copy of it for one case."""
    return workflow.with_snapshot(
        Case.objects.select_related("incident__business", "caseworker__staff_contact"), skips=False
    )


def agreed_to_current_plan(participant: Participant) -> bool:
    """Whether the participant agreed to the case's current plan (``participant.case`` read by
    ``participant_case``, which knows which plan that is)."""
    return PlanSignoff.objects.filter(
        plan_id=participant.case.snapshot_plan_id, participant=participant, decision=PlanSignoff.Decision.AGREED
    ).exists()
