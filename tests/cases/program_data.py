"""Rows of the five steps, written directly, for tests that count them (dashboard, reports, exports).

The services are tested elsewhere; here a test needs a case in a known state at a known time.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from cases.models import Case, CaseEvent, Participant
from notifications.models import Reminder
from reconciliation.models import (
    CheckIn,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
)
from tests.factories import CaseFactory, ParticipantFactory


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A moment in PLI's time zone."""
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def case_with_people(**fields) -> Case:
    """A case with its customer, a business representative and a consenting agent."""
    case = CaseFactory(**fields)
    ParticipantFactory(case=case, role=Participant.Role.BUSINESS, consent=Participant.Consent.GIVEN)
    ParticipantFactory(case=case, role=Participant.Role.AGENT, consent=Participant.Consent.GIVEN)
    return case


def event(case: Case, kind: str, when: datetime, *, from_value="", to_value="") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, message="test", created_at=when, from_value=str(from_value), to_value=str(to_value)
    )


def step_moved(case: Case, step_from: int, when: datetime) -> CaseEvent:
    return event(case, CaseEvent.Kind.STEP, when, from_value=step_from, to_value=step_from + 1)


def completed(case: Case, when: datetime) -> CaseEvent:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED, step=5, completed_at=when)
    return event(case, CaseEvent.Kind.STATUS, when, from_value="open", to_value="completed")


def withdrawn(case: Case, when: datetime, reason: str) -> CaseEvent:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.WITHDRAWN, status_reason=reason)
    return event(case, CaseEvent.Kind.STATUS, when, from_value="open", to_value="withdrawn")


def reflection(case: Case, state: str = Reflection.State.SUBMITTED, **fields) -> Reflection:
    return Reflection.objects.create(
        case=case, state=state, submitted_at=timezone.now() if state != Reflection.State.DRAFT else None, **fields
    )


def plan(case: Case, version: int = 1, **fields) -> ReconciliationPlan:
    values = {
        "goals_redemption": "Own it.",
        "goals_empathy": "See the job.",
        "goals_reconciliation": "Meet.",
        "role_swap_hours": Decimal(8),
        "created_by": case.caseworker,
        **fields,
    }
    return ReconciliationPlan.objects.create(case=case, version=version, **values)


def signoff(plan: ReconciliationPlan, participant: Participant, decision: str = "agreed", **fields) -> PlanSignoff:
    return PlanSignoff.objects.create(plan=plan, participant=participant, decision=decision, **fields)


def shift(case: Case, starts_at: datetime, state: str = RoleSwapShift.State.PROPOSED, hours=4, **fields):
    attended = fields.pop("minutes_attended", hours * 60 if state == RoleSwapShift.State.ATTENDED else None)
    return RoleSwapShift.objects.create(
        case=case,
        business=case.incident.business,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        role="Cashier",
        location="Front registers",
        supervisor_on_site="Store manager",
        state=state,
        minutes_attended=attended,
        **fields,
    )


def meeting(case: Case, scheduled_at: datetime, state: str = RestorativeMeeting.State.SCHEDULED, **fields):
    return RestorativeMeeting.objects.create(
        case=case, scheduled_at=scheduled_at, state=state, location="PLI office", facilitator="Sam", **fields
    )


def checkin(case: Case, days_after: int, due_on, state: str = CheckIn.State.DUE, **fields) -> CheckIn:
    return CheckIn.objects.create(case=case, days_after=days_after, due_on=due_on, state=state, **fields)


def reminder(case: Case, state: str = Reminder.State.FAILED, kind: str = Reminder.Kind.REFLECTION) -> Reminder:
    """A reminder to the case's customer, in the given state."""
    now = timezone.now()
    return Reminder.objects.create(
        case=case,
        kind=kind,
        participant=case.participants.get(role=Participant.Role.CUSTOMER),
        key=f"{kind}:{state}:{Reminder.objects.count()}",
        due_at=now - timedelta(hours=2),
        next_attempt_at=now - timedelta(hours=1),
        state=state,
        attempts=4 if state == Reminder.State.FAILED else 0,
    )
