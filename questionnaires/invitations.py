"""When each questionnaire is asked of whom: the moments of the program, read from the case.

The core tells this app of each new line on a case's timeline (``cases.hooks.event_recorded``).
When the line is one that can open or close a moment (the case opened, a step or status
changed, someone said yes or no, the reflection or the meeting moved on), ``invitations_sync``
looks at the case as it is now:

- a moment that has come opens an invitation for each person of the role it is meant for who
  takes part (once: a person is never asked twice for the same moment, whatever they did);
- "before" moments close when the case has moved past them (the reflection submitted, the plan
  agreed), and everything still waiting closes when the case is withdrawn or closed;
- each new invitation gets one reminder, ``QUESTIONNAIRE_REMINDER_DAYS`` after it opens, through
  the reminder rows of ``notifications``; answering, skipping or closing cancels it, and so
  does a person asking not to be contacted.

Check-in moments open on the day the check-in is due, at the check-in reminder's hour.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from cases.models import Case, CaseEvent
from notifications import reminders
from notifications.models import Reminder
from reconciliation.models import CheckIn, Reflection, RestorativeMeeting

from .models import CHECKIN_MOMENTS, Invitation, Moment, QuestionnaireUse

# The timeline's lines after which a moment may have come or gone.
EVENT_KINDS = frozenset(
    {
        CaseEvent.Kind.OPENED,
        CaseEvent.Kind.STEP,
        CaseEvent.Kind.STATUS,
        CaseEvent.Kind.CONSENT,
        CaseEvent.Kind.REFLECTION,
        CaseEvent.Kind.MEETING,
    }
)
REMINDER = Reminder.Kind.QUESTIONNAIRE


def on_event(event: CaseEvent) -> None:
    """The ``event_recorded`` hook: bring the case's invitations in line after the lines that matter."""
    if event.kind in EVENT_KINDS:
        invitations_sync(event.case)


def reminder_slot(invitation: Invitation) -> str:
    return f"q{invitation.pk}"


def _checkin_opening(due_on) -> datetime:
    return timezone.make_aware(datetime.combine(due_on, time(settings.REMINDER_CHECKIN_HOUR)))


def moments_now(case: Case) -> tuple[dict[str, datetime], set[str]]:
    """The moments of the case that have come (with when they opened) and those that have passed."""
    now = timezone.now()
    if case.status in Case.ENDED_STATUSES:
        return {}, set(Moment.values)
    came: dict[str, datetime] = {}
    passed: set[str] = set()
    active = case.status in Case.ACTIVE_STATUSES
    reflection_state = Reflection.objects.filter(case=case).values_list("state", flat=True).first()
    if active and case.step == Case.Step.REFLECTION and reflection_state in (None, Reflection.State.DRAFT):
        came[Moment.BEFORE_REFLECTION] = now
    else:
        passed.add(Moment.BEFORE_REFLECTION)
    if active and case.step <= Case.Step.PLAN:
        came[Moment.BEFORE_PLAN] = now
    else:
        passed.add(Moment.BEFORE_PLAN)
    meeting = RestorativeMeeting.objects.filter(case=case, state=RestorativeMeeting.State.HELD).first()
    if meeting is not None:
        came[Moment.AFTER_MEETING] = now
    if case.status == Case.Status.COMPLETED:
        came[Moment.AT_COMPLETION] = case.completed_at or now
        for checkin in CheckIn.objects.filter(case=case, days_after__in=CHECKIN_MOMENTS):
            came[CHECKIN_MOMENTS[checkin.days_after]] = _checkin_opening(checkin.due_on)
    return came, passed


def invitations_sync(case: Case) -> list[Invitation]:
    """Open the invitations whose moment has come, close those whose moment has passed (see the module).

    Runs inside the caller's transaction. Returns the invitations it opened.
    """
    uses = list(
        QuestionnaireUse.objects.filter(questionnaire__active=True).values_list("questionnaire_id", "role", "moment")
    )
    open_ones = list(Invitation.objects.filter(case=case, state=Invitation.State.OPEN).select_related("participant"))
    if not uses and not open_ones:
        return []
    came, passed = moments_now(case)
    closing = [inv for inv in open_ones if inv.moment in passed or not inv.participant.takes_part]
    if closing:
        Invitation.objects.filter(pk__in=[inv.pk for inv in closing]).update(state=Invitation.State.CLOSED)
    quiet = [inv for inv in open_ones if inv not in closing and not inv.participant.hears_from_us]
    reason = "The questions are no longer waiting." if case.status not in Case.ENDED_STATUSES else "The case ended."
    reminders.reminders_cancel(
        case=case,
        kind=REMINDER,
        wanted_gone=[(inv.participant_id, reminder_slot(inv)) for inv in closing + quiet],
        reason=reason,
    )
    wanted = [(q, role, moment) for q, role, moment in uses if moment in came]
    if not wanted:
        return []
    people = [p for p in case.participants.all() if p.takes_part and not p.erased_at]
    rows = [
        Invitation(case=case, participant=person, questionnaire_id=q, moment=moment, opens_at=came[moment])
        for q, role, moment in wanted
        for person in people
        if person.role == role
    ]
    if not rows:
        return []
    # Never twice for the same moment: the unique key leaves existing ones (any state) alone.
    existing = set(Invitation.objects.filter(case=case).values_list("participant_id", "questionnaire_id", "moment"))
    new = [row for row in rows if (row.participant_id, row.questionnaire_id, row.moment) not in existing]
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    keys = {(row.participant_id, row.questionnaire_id, row.moment) for row in new}
    opened = [
        invitation
        for invitation in Invitation.objects.filter(case=case, state=Invitation.State.OPEN).select_related(
            "participant"
        )
        if (invitation.participant_id, invitation.questionnaire_id, invitation.moment) in keys
    ]
    delay = timedelta(days=settings.QUESTIONNAIRE_REMINDER_DAYS)
    for invitation in opened:
        reminders.remind_once(
            case=case,
            kind=REMINDER,
            participant=invitation.participant,
            due_at=max(invitation.opens_at, timezone.now()) + delay,
            slot=reminder_slot(invitation),
        )
    return opened
