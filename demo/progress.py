"""Walks the demo cases to different points of the program, through the services.

Things that need time to pass (an attended shift, a held meeting) are scheduled as usual
and then moved into the past, as if the demo had been running for a few weeks.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from cases.models import Case, Participant
from reconciliation import services
from reconciliation.models import RestorativeMeeting, RoleSwapShift

REFLECTION = {
    "what_happened": "I had been up all night with my sick kid and the coupon would not scan.",
    "what_you_felt": "Embarrassed in front of the line, then angry, then ashamed when I saw the video.",
    "agent_perspective": "She was alone at the registers at the end of a long shift. She had no power over the coupon.",
    "regrets": "Shouting at her, throwing the basket, and filming her face.",
    "message_to_agent": "None of it was about you. I am sorry.",
}
PLAN = {
    "goals_redemption": "Own the harm publicly: take the video down and post an apology.",
    "goals_empathy": "Work the registers during a rush and see the job from the other side.",
    "goals_reconciliation": "Meet the cashier, if she wishes, to apologise in person.",
    "role_swap_hours": Decimal("8"),
    "personal_time_with_agent": False,
    "meeting_format": "in_person",
}


def _people(case: Case) -> tuple[Participant, Participant, Participant]:
    by_role = {p.role: p for p in case.participants.all()}
    return by_role["customer"], by_role["business"], by_role["agent"]


def _past_shift(case: Case, by: AbstractBaseUser, days_ago: int, hours: int = 4) -> RoleSwapShift:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    shift = services.shift_propose(
        case=case,
        by=by,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        role="Cashier",
        location="Front registers",
        supervisor_on_site=case.incident.business.contact_name or "Store manager",
    )
    services.shift_confirm(shift=shift, by=_people(case)[1])
    past = start - timedelta(days=days_ago + 1)
    RoleSwapShift.objects.filter(pk=shift.pk).update(starts_at=past, ends_at=past + timedelta(hours=hours))
    shift.refresh_from_db()
    return shift


def _reflect_and_plan(case: Case, by: AbstractBaseUser, *, sign: bool = True) -> None:
    customer, business, agent = _people(case)
    services.consent_record(participant=agent, consent=Participant.Consent.GIVEN, by=by)
    services.consent_record(participant=business, consent=Participant.Consent.GIVEN, by=by)
    services.reflection_submit(case=case, answers=REFLECTION, by=customer)
    services.reflection_review(case=case, note="Honest and specific.", by=by)
    plan = services.plan_create_version(case=case, by=by, **PLAN)
    if sign:
        for person in (customer, business, agent):
            services.plan_signoff(plan=plan, participant=person, decision="agreed", by=person)


def _hold_meeting(case: Case, by: AbstractBaseUser) -> None:
    services.meeting_schedule(
        case=case,
        by=by,
        scheduled_at=timezone.now() + timedelta(days=1),
        format="in_person",
        location="PLI office, room 2",
        facilitator="Sam Okafor",
        safety_plan="" if case.risk == Case.Risk.LOW else "Facilitator present; separate arrival times.",
    )
    RestorativeMeeting.objects.filter(case=case).update(scheduled_at=timezone.now() - timedelta(days=3))
    services.meeting_record_outcome(
        case=case,
        by=by,
        gratitude_expressed=True,
        acknowledgment_expressed=True,
        minutes=75,
        ownership_expressed=True,
        notes="The customer apologised; the cashier thanked them for the shifts they worked.",
    )


def seed_demo_progress(cases: list[Case], *, supervisor: AbstractBaseUser) -> None:
    """Five demo stories, each left at a different point (see the comments)."""
    completed, changes_requested, awaiting_approval, meeting_due, meeting_skipped, *rest = cases

    # Completed, with check-ins; the first one answered.
    by = completed.caseworker
    _reflect_and_plan(completed, by)
    for days_ago in (10, 6):
        services.shift_record_attendance(
            shift=_past_shift(completed, by, days_ago),
            attended=True,
            minutes=4 * 60,
            feedback="Calm and helpful.",
            by=by,
        )
    _hold_meeting(completed, by)
    services.commitments_draft(
        case=completed,
        commitments="Step away and breathe before answering; ask for a manager calmly.",
        off_limits="Filming staff; raising my voice at workers; threats of any kind.",
        by=by,
    )
    services.commitments_agree(case=completed, by=_people(completed)[0])
    completed.refresh_from_db()
    services.checkin_record(
        checkin=completed.checkins.first(), answers="Doing well; shops there weekly and says hello.", by=by
    )

    # Step 2: the business asked for changes to the plan.
    by = changes_requested.caseworker
    _reflect_and_plan(changes_requested, by, sign=False)
    customer, business, _agent = _people(changes_requested)
    plan = changes_requested.plans.get()
    services.plan_signoff(plan=plan, participant=customer, decision="agreed", by=customer)
    services.plan_signoff(
        plan=plan,
        participant=business,
        decision="changes_requested",
        comment="Weekday mornings only, please.",
        by=business,
    )

    # Step 3, high risk: waiting for a supervisor's safety approval.
    _reflect_and_plan(awaiting_approval, awaiting_approval.caseworker)

    # Step 4: a declined shift, attended hours, a meeting scheduled with a safety plan.
    by = meeting_due.caseworker
    _reflect_and_plan(meeting_due, by)
    services.safety_approve(case=meeting_due, note="Manager on site at every shift.", by=supervisor)
    start = timezone.now() + timedelta(days=2)
    declined = services.shift_propose(
        case=meeting_due,
        by=by,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        role="Pharmacy assistant",
        location="Prescription counter",
        supervisor_on_site="Tom Becker",
    )
    services.shift_decline(
        shift=declined, reason="Inventory day: the store is closed to the public.", by=_people(meeting_due)[1]
    )
    for days_ago in (9, 5):
        services.shift_record_attendance(
            shift=_past_shift(meeting_due, by, days_ago), attended=True, minutes=4 * 60, by=by
        )
    services.meeting_schedule(
        case=meeting_due,
        by=by,
        scheduled_at=timezone.now() + timedelta(days=5),
        format="video",
        location="https://video.pli.example/room/4",
        facilitator="Sam Okafor",
        safety_plan="Video only; the facilitator can end the call; no contact details shared.",
    )

    # Step 5: the staff member declined the meeting, so the step was completed as skipped.
    by = meeting_skipped.caseworker
    _reflect_and_plan(meeting_skipped, by)
    services.safety_approve(case=meeting_skipped, note="Shifts only with the owner present.", by=supervisor)
    services.shift_record_attendance(
        shift=_past_shift(meeting_skipped, by, 7, hours=8), attended=True, minutes=8 * 60, by=by
    )
    services.consent_record(participant=_people(meeting_skipped)[2], consent=Participant.Consent.WITHDRAWN, by=by)
    services.meeting_skip(
        case=meeting_skipped, reason="Lena prefers not to meet; she accepted a written apology.", by=by
    )
    services.commitments_draft(
        case=meeting_skipped,
        commitments="Write to the store before returning; accept a 'no' on returns calmly.",
        off_limits="Insults, threats, posting staff names online.",
        by=by,
    )
    # Step 1: the customer has started writing (the last story has not started yet).
    if rest:
        draft = rest[0]
        services.reflection_save_draft(
            case=draft, answers={"what_happened": REFLECTION["what_happened"]}, by=_people(draft)[0]
        )
