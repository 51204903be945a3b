"""Reads for the portal's pages."""

from django.db.models import Exists, OuterRef, Value
from django.utils import timezone

from cases.models import Case, Participant
from questionnaires import selectors as questionnaire_selectors
from reconciliation import workflow
from reconciliation.models import CheckIn, PersonalTime, PlanSignoff, RoleSwapShift


def participant_case(participant: Participant) -> Case:
    """The participant's case, with what the pages and ``workflow.snapshot`` read about it, in one query.

    The home page's questions come with it: ``has_shifts``, ``has_proposed_shifts``,
    ``has_checkin_due`` (a check-in due today or earlier), ``has_personal_time`` (of the
    participant's, for a staff member) and ``personal_time_awaits_answer`` (proposed, and this
    participant has not said yes yet), ``has_questions_waiting`` and ``was_ever_asked`` (questions,
    the latter making the research page worth showing).
    """
    shifts = RoleSwapShift.objects.filter(case=OuterRef("pk"))
    times = PersonalTime.objects.filter(case=OuterRef("pk"))
    if participant.role == Participant.Role.AGENT:
        times = times.filter(agent_id=participant.pk)
    unanswered = {
        Participant.Role.CUSTOMER: {"customer_agreed_at__isnull": True},
        Participant.Role.AGENT: {"agent_agreed_at__isnull": True},
    }.get(participant.role)
    due = CheckIn.objects.filter(case=OuterRef("pk"), state=CheckIn.State.DUE, due_on__lte=timezone.localdate())
    cases = Case.objects.select_related("incident__business", "caseworker__staff_contact").annotate(
        has_shifts=Exists(shifts),
        has_proposed_shifts=Exists(shifts.filter(state=RoleSwapShift.State.PROPOSED)),
        has_checkin_due=Exists(due),
        has_personal_time=Exists(times) if unanswered else Value(False),
        personal_time_awaits_answer=(
            Exists(times.filter(state=PersonalTime.State.PROPOSED, **unanswered)) if unanswered else Value(False)
        ),
        has_questions_waiting=Exists(questionnaire_selectors.open_invitations(participant)),
        was_ever_asked=Exists(questionnaire_selectors.asked(participant)),
    )
    return workflow.with_snapshot(cases, skips=False).get(pk=participant.case_id)


def agreed_to_current_plan(participant: Participant) -> bool:
    """Whether the participant agreed to the case's current plan (``participant.case`` read by
    ``participant_case``, which knows which plan that is)."""
    return PlanSignoff.objects.filter(
        plan_id=participant.case.snapshot_plan_id, participant=participant, decision=PlanSignoff.Decision.AGREED
    ).exists()
