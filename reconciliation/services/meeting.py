"""Step 4: the restorative meeting, scheduled, held (with its length and what each person expressed)
or skipped; the staff member's words for it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant

from .. import workflow
from ..models import MAX_MEETING_MINUTES, MeetingOutcome, RestorativeMeeting, expressed_names
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


@dataclass(frozen=True)
class Voice:
    """What one person other than the customer brought to the meeting (see ``MeetingOutcome``)."""

    participant: Participant
    took_part: bool
    gratitude_expressed: bool = False
    acknowledgment_expressed: bool = False
    ownership_expressed: bool = False


def meeting_people(participants: list[Participant]) -> list[Participant]:
    """Who besides the customer may have taken part in the meeting: each staff member and the
    business, unless they declined or withdrew (or, for a staff member, never said yes)."""
    return [
        person
        for person in participants
        if person.role in (Participant.Role.AGENT, Participant.Role.BUSINESS) and person.takes_part
    ]


@transaction.atomic
def meeting_record_outcome(
    *,
    case: Case,
    by: AbstractBaseUser,
    gratitude_expressed: bool,
    acknowledgment_expressed: bool,
    ownership_expressed: bool,
    notes: str,
    minutes: int,
    voices: Sequence[Voice] = (),
) -> RestorativeMeeting:
    """After the meeting, record its length and what each person expressed: the customer always,
    each staff member and the business where they took part. This completes step 4."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "meeting")
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first()
    if meeting is None or meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("Only a scheduled meeting can have its outcome recorded."))
    if timezone.now() < meeting.scheduled_at:
        raise WorkflowError(_("The outcome can be recorded only once the meeting has taken place."))
    if minutes is None or not 1 <= minutes <= MAX_MEETING_MINUTES:
        raise WorkflowError(
            _("Please give the meeting's length in minutes, from 1 to %(most)s.") % {"most": MAX_MEETING_MINUTES}
        )
    allowed = {person.pk: person for person in meeting_people(list(case.participants.all()))}
    rows = []
    for voice in voices:
        person = allowed.get(voice.participant.pk)
        if person is None:
            raise WorkflowError(
                _("%(name)s is not someone who could take part in this meeting.") % {"name": voice.participant.name}
            )
        said = voice.gratitude_expressed or voice.acknowledgment_expressed or voice.ownership_expressed
        if said and not voice.took_part:
            raise WorkflowError(
                _("%(name)s did not take part: nothing can be recorded as expressed by them.") % {"name": person.name}
            )
        rows.append(
            MeetingOutcome(
                meeting=meeting,
                participant=person,
                took_part=voice.took_part,
                gratitude_expressed=voice.gratitude_expressed,
                acknowledgment_expressed=voice.acknowledgment_expressed,
                ownership_expressed=voice.ownership_expressed,
            )
        )
    meeting.gratitude_expressed = gratitude_expressed
    meeting.acknowledgment_expressed = acknowledgment_expressed
    meeting.ownership_expressed = ownership_expressed
    meeting.duration_minutes = minutes
    meeting.outcome_notes = required_text(notes, _("Please write notes on how the meeting went."))
    meeting.state = RestorativeMeeting.State.HELD
    meeting.updated_at = timezone.now()
    meeting.save()
    MeetingOutcome.objects.filter(meeting=meeting).delete()
    MeetingOutcome.objects.bulk_create(rows)
    parts = [f"the customer expressed {_summary(expressed_names(meeting))}"]
    for row in rows:
        who = f"{row.participant.name} ({row.participant.get_role_display().lower()})"
        if row.took_part:
            parts.append(f"{who} took part and expressed {_summary(row.expressed)}")
        else:
            parts.append(f"{who} did not take part")
    record(
        case,
        CaseEvent.Kind.MEETING,
        f"Meeting held ({minutes} minutes): " + "; ".join(parts) + ".",
        by,
        from_value="scheduled",
        to_value="held",
    )
    advance(case, by)
    return meeting


def _summary(names: list[str]) -> str:
    return ", ".join(names) if names else "none of gratitude, acknowledgment, ownership"


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
