"""Step 4: the restorative meeting, scheduled, held or skipped; the staff member's words for it."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant

from .. import workflow
from ..models import RestorativeMeeting
from ..workflow import WorkflowError
from ._base import advance, in_future, lock, record, required_text


@transaction.atomic
def meeting_schedule(
    *,
    case: Case,
    by: AbstractBaseUser,
    scheduled_at: datetime,
    format: str,  # noqa: A002 - the domain's word
    location: str,
    facilitator: str,
    safety_plan: str = "",
) -> RestorativeMeeting:
    """Schedule (or reschedule) the restorative meeting; a case that is not low-risk needs a safety plan."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "meeting")
    workflow.check_safety(
        workflow.snapshot(case),
        _("This is a high-risk case: a supervisor must approve it before the meeting is scheduled."),
    )
    in_future(scheduled_at, _("The meeting must be in the future."))
    safety_plan = (safety_plan or "").strip()
    if case.risk != Case.Risk.LOW and not safety_plan:
        raise WorkflowError(
            _("This case's risk is %(risk)s: write a safety plan for the meeting.")
            % {"risk": case.get_risk_display().lower()}
        )
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first()
    if meeting and meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("The meeting was already %(state)s.") % {"state": meeting.get_state_display().lower()})
    rescheduled = meeting is not None
    meeting = meeting or RestorativeMeeting(case=case)
    meeting.scheduled_at = scheduled_at
    meeting.format = format
    meeting.location = required_text(location, _("Please write where the meeting is, or its video link."))
    meeting.facilitator = required_text(facilitator, _("Please write who facilitates the meeting."))
    meeting.safety_plan = safety_plan
    meeting.updated_at = timezone.now()
    meeting.save()
    verb = "rescheduled" if rescheduled else "scheduled"
    when = f"{timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}"
    record(
        case,
        CaseEvent.Kind.MEETING,
        f"Meeting {verb} for {when} ({meeting.get_format_display().lower()}).",
        by,
        to_value="scheduled",
    )
    return meeting


@transaction.atomic
def meeting_record_outcome(
    *,
    case: Case,
    by: AbstractBaseUser,
    gratitude_expressed: bool,
    acknowledgment_expressed: bool,
    ownership_expressed: bool,
    notes: str,
) -> RestorativeMeeting:
    """After the meeting, record what was expressed. This completes step 4."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "meeting")
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first()
    if meeting is None or meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("Only a scheduled meeting can have its outcome recorded."))
    if timezone.now() < meeting.scheduled_at:
        raise WorkflowError(_("The outcome can be recorded only once the meeting has taken place."))
    meeting.gratitude_expressed = gratitude_expressed
    meeting.acknowledgment_expressed = acknowledgment_expressed
    meeting.ownership_expressed = ownership_expressed
    meeting.outcome_notes = required_text(notes, _("Please write notes on how the meeting went."))
    meeting.state = RestorativeMeeting.State.HELD
    meeting.updated_at = timezone.now()
    meeting.save()
    expressed = [
        name
        for name, said in (
            ("gratitude", gratitude_expressed),
            ("acknowledgment", acknowledgment_expressed),
            ("ownership", ownership_expressed),
        )
        if said
    ]
    summary = ", ".join(expressed) if expressed else "none of gratitude, acknowledgment, ownership"
    record(
        case,
        CaseEvent.Kind.MEETING,
        f"Meeting held; expressed: {summary}.",
        by,
        from_value="scheduled",
        to_value="held",
    )
    advance(case, by)
    return meeting


@transaction.atomic
def meeting_skip(*, case: Case, reason: str, by: AbstractBaseUser) -> RestorativeMeeting:
    """When the staff member declines, the meeting step is completed as skipped, with the reason."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "meeting")
    agents = list(case.participants.filter(role=Participant.Role.AGENT))
    if any(agent.takes_part for agent in agents):
        raise WorkflowError(
            _(
                "A staff member agreed to take part: the meeting can be skipped only if they decline, "
                "or by a supervisor skipping the step."
            )
        )
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first() or RestorativeMeeting(case=case)
    if meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("The meeting was already %(state)s.") % {"state": meeting.get_state_display().lower()})
    meeting.skip_reason = required_text(reason, _("Please write why the meeting is skipped."))
    meeting.state = RestorativeMeeting.State.SKIPPED
    meeting.updated_at = timezone.now()
    meeting.save()
    record(case, CaseEvent.Kind.MEETING, f"Meeting skipped: {meeting.skip_reason}", by, to_value="skipped")
    advance(case, by)
    return meeting



@transaction.atomic
def meeting_agent_words(*, case: Case, participant: Participant, words: str) -> RestorativeMeeting:
    """The staff member's optional words for the scheduled meeting."""
    case = lock(case)
    workflow.check_case_active(case)
    if participant.role != Participant.Role.AGENT or participant.consent != Participant.Consent.GIVEN:
        raise WorkflowError(_("Only a staff member taking part can add words for the meeting."))
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first()
    if meeting is None or meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("Words can be added once the meeting is scheduled, and until it takes place."))
    meeting.agent_words = (words or "").strip()
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["agent_words", "updated_at"])
    record(case, CaseEvent.Kind.MEETING, f"{participant.name} added words for the meeting.", participant)
    return meeting
