"""Step 4, restorative meeting: gratitude, acknowledgment and ownership from the customer and,
if they wish, the staff member who was hurt; with a facilitator, a format and, when the risk is
not low, a written safety plan.

Done when it was held with its outcomes recorded, or skipped with a reason (a staff member may
decline to meet).
"""

from django.utils import timezone

from cases.models import Case, Participant

from .. import forms, services
from ..models import RestorativeMeeting
from ..registry import Action, Offer, RuleRows, Step
from ..reminder_rules import Wanted, delay, stamp, taking_part
from ..snapshot import CaseSnapshot

SLUG = "meeting"


def missing(snap: CaseSnapshot) -> list[str]:
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


def _initial(meeting: RestorativeMeeting | None, snap: CaseSnapshot) -> dict:
    if meeting is None:
        return {"format": snap.plan.meeting_format} if snap.plan else {}
    return {
        "scheduled_at": timezone.localtime(meeting.scheduled_at) if meeting.scheduled_at else None,
        "format": meeting.format,
        "location": meeting.location,
        "facilitator": meeting.facilitator,
        "safety_plan": meeting.safety_plan,
    }


def offer(panel: Offer) -> None:
    snap, meeting = panel.snap, panel.snap.meeting
    scheduled = meeting is not None and meeting.state == RestorativeMeeting.State.SCHEDULED
    if not snap.needs_safety_approval and (meeting is None or scheduled):
        panel.add("meeting-schedule", forms.MeetingScheduleForm, **_initial(meeting, snap))
    if scheduled and meeting.scheduled_at <= panel.now:
        panel.add("meeting-outcome", forms.MeetingOutcomeForm)
    panel.add("meeting-skip", forms.MeetingSkipForm)


def reminders(snap: CaseSnapshot, rows: RuleRows) -> list[Wanted]:
    """Each person taking part, when the meeting is scheduled (at once, unless it is less than a day
    away: then the day-before reminder goes at once instead), and the day before it."""
    meeting = snap.meeting
    if meeting is None or meeting.state != RestorativeMeeting.State.SCHEDULED or not meeting.scheduled_at:
        return []
    if meeting.scheduled_at <= rows.now:
        return []
    due = meeting.scheduled_at - delay("before_event")
    people = taking_part(
        snap.participants, Participant.Role.CUSTOMER, Participant.Role.AGENT, Participant.Role.BUSINESS
    )
    wanted = [
        Wanted("meeting_tomorrow", due, participant=person, generation=stamp(meeting.scheduled_at))
        for person in people
    ]
    if due > rows.now:
        wanted += [
            Wanted("meeting_scheduled", rows.now, participant=person, generation=stamp(meeting.scheduled_at))
            for person in people
        ]
    return wanted


STEP = Step(
    slug=SLUG,
    label=Case.Step.MEETING.label,
    missing=missing,
    panel_template="reconciliation/panels/step4.html",
    actions={
        "meeting-schedule": Action(
            forms.MeetingScheduleForm,
            lambda case, data, user: services.meeting_schedule(case=case, by=user, **data),
            "Meeting scheduled.",
        ),
        "meeting-outcome": Action(
            forms.MeetingOutcomeForm,
            lambda case, data, user: services.meeting_record_outcome(case=case, by=user, **data),
            "Meeting outcome recorded.",
        ),
        "meeting-skip": Action(
            forms.MeetingSkipForm,
            lambda case, data, user: services.meeting_skip(case=case, reason=data["reason"], by=user),
            "Meeting skipped.",
        ),
    },
    offer=offer,
    reminders=reminders,
)
