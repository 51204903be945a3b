"""A plausible history for generated demo cases (``seed_demo --cases N``), written in bulk.

Each generated case gets a timeline: how long each step took, whether the customer withdrew
or the case was paused, and where the case stands today. From it come the rows the pages and
reports read: timeline events, reflection, plan and sign-offs, safety approval, shifts,
meeting, commitments and check-ins. No service is called (that would take hours for 100,000
cases); the rows are what the services would have written.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from cases.models import Case, CaseEvent, Participant
from notifications import reminders
from notifications.models import Reminder
from reconciliation import workflow
from reconciliation.models import (
    CheckIn,
    Commitment,
    MeetingFormat,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
)

# Days each step takes: (shortest, longest).
STEP_DAYS = {1: (2, 16), 2: (4, 24), 3: (12, 50), 4: (4, 24), 5: (2, 12)}
WITHDRAWAL_REASONS = [
    "The customer stopped answering",
    "The customer moved away",
    "The customer no longer wants to take part",
    "The business asked to stop",
    "Court proceedings take priority",
]
PLAN_HOURS = [Decimal(4), Decimal(8), Decimal(8), Decimal(12), Decimal(16)]
SHIFT_HOURS = 4
# Rows per INSERT.
BATCH_SIZE = 2000


@dataclass
class Timeline:
    """Where a generated case stands today, and when it got there."""

    opened_at: datetime
    status: str = Case.Status.OPEN
    step: int = Case.Step.REFLECTION
    entered: dict[int, datetime] = field(default_factory=dict)  # step 2..5 -> when
    completed_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdraw_reason: str = ""
    closed_at: datetime | None = None
    last_activity_at: datetime | None = None

    def started(self, step: int) -> datetime:
        return self.opened_at if step == 1 else self.entered[step]


def timeline(*, opened_at: datetime, now: datetime, rng: random.Random) -> Timeline:
    """Walk a case from ``opened_at`` through the steps at a plausible pace, up to ``now``."""
    line = Timeline(opened_at=opened_at)
    withdraw_in = rng.choice([1, 2, 3, 4]) if rng.random() < 0.14 else None
    moment = opened_at
    for step in Case.Step.values:
        took = timedelta(days=rng.uniform(*STEP_DAYS[step]))
        if withdraw_in == step and moment + took * rng.random() < now:
            line.withdrawn_at = moment + took * rng.random()
            line.status, line.withdraw_reason = Case.Status.WITHDRAWN, rng.choice(WITHDRAWAL_REASONS)
            break
        if moment + took > now:
            break
        moment += took
        if step < Case.Step.COMMITMENTS:
            line.step = step + 1
            line.entered[step + 1] = moment
        else:
            line.status, line.completed_at = Case.Status.COMPLETED, moment
    ended = line.completed_at or line.withdrawn_at
    if ended and rng.random() < 0.15 and ended + timedelta(days=60) < now:
        line.status, line.closed_at = Case.Status.CLOSED, ended + timedelta(days=60)
    elif line.status == Case.Status.OPEN and rng.random() < 0.06:
        line.status = Case.Status.PAUSED
    last = line.closed_at or ended or max([opened_at, *line.entered.values()])
    if line.status in Case.ACTIVE_STATUSES:
        last = min(last + timedelta(days=rng.uniform(0, 18)), now - timedelta(hours=1))
    line.last_activity_at = max(last, opened_at)
    return line


def bulk_history(
    cases: list[Case],
    timelines: list[Timeline],
    *,
    people: dict[int, dict[str, Participant]],
    supervisor: AbstractBaseUser,
    rng: random.Random,
) -> None:
    """Write the rows of each case's timeline (cases and timelines in the same order).

    ``people`` holds each case's participants (saved), by case id and role. Last come the
    case's reminders: those the rules of ``reconciliation.reminders`` want for it today,
    sent when their time has passed and scheduled when it has not, as if the dispatcher had
    run all along.
    """
    now = timezone.now()
    rows: dict[type, list] = {}
    per_case: list[dict[type, list]] = []

    for case, line in zip(cases, timelines, strict=True):
        mine: dict[type, list] = {}
        per_case.append(mine)

        def add(row, mine=mine) -> None:
            rows.setdefault(type(row), []).append(row)
            mine.setdefault(type(row), []).append(row)

        _events(case, line, add)
        _reflection(case, line, add, rng)
        plan = _plan(case, line, add, rng, people.get(case.pk, {}))
        if case.risk == Case.Risk.HIGH and Case.Step.ROLE_SWAP in line.entered and rng.random() < 0.9:
            add(SafetyApproval(case=case, approved_by=supervisor, approved_at=line.entered[3], note="Demo."))
        _shifts(case, line, add, rng, plan, now)
        _meeting(case, line, add, rng, now)
        _commitments_and_checkins(case, line, add, rng, now)
        if line.status == Case.Status.OPEN and line.step <= Case.Step.ROLE_SWAP and rng.random() < 0.03:
            add(_failed_reminder(case, line, people.get(case.pk, {})))
    # Plans first: sign-offs point at them.
    for model in (ReconciliationPlan, *[m for m in rows if m is not ReconciliationPlan and m is not PlanSignoff]):
        model.objects.bulk_create(rows.get(model, []), batch_size=BATCH_SIZE)
    for signoff in rows.get(PlanSignoff, []):
        signoff.plan_id = signoff.plan.pk
    PlanSignoff.objects.bulk_create(rows.get(PlanSignoff, []), batch_size=BATCH_SIZE)
    Reminder.objects.bulk_create(
        [
            reminder
            for case, mine in zip(cases, per_case, strict=True)
            for reminder in _rule_reminders(case, people.get(case.pk, {}), mine, now)
        ],
        batch_size=BATCH_SIZE,
    )


def _rule_reminders(case: Case, people: dict[str, Participant], mine: dict[type, list], now: datetime) -> list:
    """The reminders the rules want for the case as generated (its rows are saved, with their ids)."""

    def first(model: type):
        return (mine.get(model) or [None])[0]

    shifts = mine.get(RoleSwapShift, [])
    plans = mine.get(ReconciliationPlan, [])
    snap = workflow.CaseSnapshot(
        case=case,
        participants=sorted(people.values(), key=lambda person: (person.role, person.pk)),
        reflection=first(Reflection),
        plan=plans[-1] if plans else None,
        signoffs={signoff.participant_id: signoff for signoff in mine.get(PlanSignoff, [])},
        attended_minutes=sum(
            shift.minutes_attended for shift in shifts if shift.state == RoleSwapShift.State.ATTENDED
        ),
        meeting=first(RestorativeMeeting),
        commitment=first(Commitment),
        skips={},
        safety_approval=first(SafetyApproval),
    )
    out = []
    for wanted in reminders.wanted_in(snap, shifts=shifts, checkins=mine.get(CheckIn, []), now=now):
        reminder = reminders.reminder_row(wanted, case)
        if wanted.due_at <= now and wanted.participant is not None and not wanted.participant.email:
            # As the dispatcher does: nobody to send it to, failed at once, for the caseworker to see.
            reminder.state, reminder.attempts = Reminder.State.FAILED, 1
            reminder.last_error = f"{wanted.participant.name} has no e-mail address."
        elif wanted.due_at <= now:
            reminder.state, reminder.sent_at, reminder.attempts = Reminder.State.SENT, wanted.due_at, 1
        reminder.created_at = min(wanted.due_at, now)
        out.append(reminder)
    return out


# What a failed reminder of a generated case was about, at each step: (kind, recipient's role).
FAILED_REMINDERS = {
    Case.Step.REFLECTION: (Reminder.Kind.REFLECTION, Participant.Role.CUSTOMER),
    Case.Step.PLAN: (Reminder.Kind.SIGNOFF, Participant.Role.BUSINESS),
    Case.Step.ROLE_SWAP: (Reminder.Kind.SHIFT_UNCONFIRMED, Participant.Role.BUSINESS),
}


def _failed_reminder(case: Case, line: Timeline, people: dict) -> Reminder:
    """A reminder whose e-mail kept bouncing: the dashboard shows these."""
    kind, role = FAILED_REMINDERS[line.step]
    due = min(line.last_activity_at + timedelta(days=2), timezone.now() - timedelta(hours=2))
    return Reminder(
        case=case,
        kind=kind,
        participant=people[role],
        key=f"{kind}:demo",
        due_at=due,
        next_attempt_at=due + timedelta(hours=1),
        state=Reminder.State.FAILED,
        attempts=settings.REMINDER_MAX_ATTEMPTS,
        last_error="550 5.1.1 Mailbox unavailable (generated)",
        created_at=line.last_activity_at,
    )


def _events(case: Case, line: Timeline, add) -> None:
    for step, when in sorted(line.entered.items()):
        add(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.STEP,
                created_at=when,
                message=f"Step {step - 1} done; the case moves to step {step}: {Case.Step(step).label}.",
                from_value=str(step - 1),
                to_value=str(step),
            )
        )
    if line.completed_at:
        add(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.STATUS,
                created_at=line.completed_at,
                message="All five steps are done: the case is completed.",
                from_value=Case.Status.OPEN,
                to_value=Case.Status.COMPLETED,
            )
        )
    if line.withdrawn_at:
        add(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.STATUS,
                created_at=line.withdrawn_at,
                message=f"Case withdrawn. Reason: {line.withdraw_reason}",
                from_value=Case.Status.OPEN,
                to_value=Case.Status.WITHDRAWN,
            )
        )
    if line.closed_at:
        previous = Case.Status.COMPLETED if line.completed_at else Case.Status.WITHDRAWN
        add(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.STATUS,
                created_at=line.closed_at,
                message="Case closed. Reason: Program over.",
                from_value=previous,
                to_value=Case.Status.CLOSED,
            )
        )


def _reflection(case: Case, line: Timeline, add, rng: random.Random) -> None:
    if Case.Step.PLAN in line.entered:
        reviewed = line.entered[2]
        add(
            Reflection(
                case=case,
                what_happened="(generated)",
                what_you_felt="(generated)",
                agent_perspective="(generated)",
                regrets="(generated)",
                state=Reflection.State.REVIEWED,
                submitted_at=reviewed - timedelta(days=1),
                reviewed_at=reviewed,
                updated_at=reviewed - timedelta(days=1),
            )
        )
    elif line.status == Case.Status.OPEN and rng.random() < 0.6:
        submitted = rng.random() < 0.5
        add(
            Reflection(
                case=case,
                what_happened="(generated)",
                state=Reflection.State.SUBMITTED if submitted else Reflection.State.DRAFT,
                submitted_at=line.last_activity_at if submitted else None,
                updated_at=line.last_activity_at,
            )
        )


def _plan(case: Case, line: Timeline, add, rng: random.Random, people: dict) -> ReconciliationPlan | None:
    if Case.Step.PLAN not in line.entered:
        return None
    plan = ReconciliationPlan(
        case=case,
        version=1,
        goals_redemption="(generated)",
        goals_empathy="(generated)",
        goals_reconciliation="(generated)",
        role_swap_hours=rng.choice(PLAN_HOURS),
        meeting_format=rng.choice(MeetingFormat.values),
        created_by=case.caseworker,
        created_at=line.entered[2],
    )
    add(plan)
    signed = Case.Step.ROLE_SWAP in line.entered
    for role, person in people.items():
        # At the plan step, the customer has agreed and the others are still reading.
        if signed or (role == Participant.Role.CUSTOMER and rng.random() < 0.7):
            when = line.entered.get(3, line.entered[2] + timedelta(days=1))
            add(PlanSignoff(plan=plan, participant=person, decision=PlanSignoff.Decision.AGREED, decided_at=when))
    return plan


def _working_hours(day: datetime, rng: random.Random) -> datetime:
    """That day at a plausible hour, in PLI's time zone."""
    return timezone.localtime(day).replace(hour=rng.choice([9, 10, 11, 14, 15, 16]), minute=0, second=0, microsecond=0)


def _shift(case: Case, start: datetime, state: str, hours: int = SHIFT_HOURS, **fields) -> RoleSwapShift:
    return RoleSwapShift(
        case=case,
        business_id=case.incident.business_id,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        role="Front counter",
        location="Main floor",
        supervisor_on_site="Shift manager",
        state=state,
        created_at=start - timedelta(days=3),
        **fields,
    )


def _shifts(case: Case, line: Timeline, add, rng: random.Random, plan, now: datetime) -> None:
    if plan is None or Case.Step.ROLE_SWAP not in line.entered:
        return
    begin = line.entered[3]
    end = line.entered.get(4) or (line.withdrawn_at if line.withdrawn_at and line.step == 3 else now)
    needed = int(plan.role_swap_hours) // SHIFT_HOURS if Case.Step.MEETING in line.entered else rng.randint(0, 2)
    span = max((end - begin).total_seconds(), 3600 * 24)
    for number in range(needed):
        start = begin + timedelta(seconds=span * (number + 0.5) / (needed + 1))
        start = _working_hours(start, rng)
        if start >= now - timedelta(hours=SHIFT_HOURS):
            break
        if rng.random() < 0.08:
            add(_shift(case, start - timedelta(days=1), RoleSwapShift.State.NO_SHOW))
        if rng.random() < 0.08:
            add(_shift(case, start - timedelta(days=2), RoleSwapShift.State.DECLINED, decline_reason="Busy day."))
        add(_shift(case, start, RoleSwapShift.State.ATTENDED, minutes_attended=SHIFT_HOURS * 60))
    if line.status == Case.Status.OPEN and line.step == Case.Step.ROLE_SWAP and rng.random() < 0.7:
        start = _working_hours(now + timedelta(days=rng.randint(1, 12)), rng)
        state = rng.choice(
            [RoleSwapShift.State.PROPOSED, RoleSwapShift.State.CONFIRMED, RoleSwapShift.State.COUNTER_PROPOSED]
        )
        add(_shift(case, start, state))


def _meeting(case: Case, line: Timeline, add, rng: random.Random, now: datetime) -> None:
    if Case.Step.COMMITMENTS in line.entered:
        held_at = line.entered[5] - timedelta(days=1)
        if rng.random() < 0.15:
            add(
                RestorativeMeeting(
                    case=case,
                    state=RestorativeMeeting.State.SKIPPED,
                    skip_reason="The staff member preferred not to meet.",
                    updated_at=line.entered[5],
                )
            )
            return
        add(
            RestorativeMeeting(
                case=case,
                state=RestorativeMeeting.State.HELD,
                scheduled_at=held_at,
                format=rng.choice(MeetingFormat.values),
                location="PLI office",
                facilitator="PLI facilitator",
                gratitude_expressed=rng.random() < 0.9,
                acknowledgment_expressed=rng.random() < 0.8,
                ownership_expressed=rng.random() < 0.75,
                duration_minutes=60,
                outcome_notes="(generated)",
                updated_at=line.entered[5],
            )
        )
    elif line.status == Case.Status.OPEN and line.step == Case.Step.MEETING and rng.random() < 0.7:
        add(
            RestorativeMeeting(
                case=case,
                state=RestorativeMeeting.State.SCHEDULED,
                scheduled_at=_working_hours(now + timedelta(days=rng.randint(1, 14)), rng),
                format=rng.choice(MeetingFormat.values),
                location="PLI office",
                facilitator="PLI facilitator",
                safety_plan="" if case.risk == Case.Risk.LOW else "Facilitator present.",
                updated_at=line.entered[4],
            )
        )


def _commitments_and_checkins(case: Case, line: Timeline, add, rng: random.Random, now: datetime) -> None:
    if Case.Step.COMMITMENTS not in line.entered:
        return
    add(
        Commitment(
            case=case,
            commitments="(generated)",
            off_limits="(generated)",
            drafted_at=line.entered[5],
            agreed_at=line.completed_at,
        )
    )
    if line.completed_at is None:
        return
    today = timezone.localdate(now)
    agreed = timezone.localdate(line.completed_at)
    for days in settings.CHECKIN_DAYS:
        due = agreed + timedelta(days=days)
        state = CheckIn.State.DUE
        if due < today - timedelta(days=10) or (due <= today and rng.random() < 0.4):
            state = CheckIn.State.DONE if rng.random() < 0.75 else CheckIn.State.MISSED
        recorded = None if state == CheckIn.State.DUE else timezone.make_aware(datetime.combine(due, time(12)))
        add(
            CheckIn(
                case=case,
                days_after=days,
                due_on=due,
                state=state,
                answers="(generated)" if state == CheckIn.State.DONE else "",
                recorded_at=recorded,
            )
        )
