"""A case walked through all five steps by the services, as a caseworker leads it."""


import time_machine
from django.utils import timezone

from cases.models import Case, CaseEvent
from reconciliation import services, workflow
from reconciliation.models import CheckIn

from .journey import ANSWERS, PLAN, person, propose_shift, soon


def test_a_case_goes_from_intake_to_completed_through_all_five_steps(open_case, caseworker):
    case = open_case
    customer, business, agent = (person(case, role) for role in ("customer", "business", "agent"))

    # 1. Reflection: drafted, submitted, reviewed.
    services.reflection_save_draft(case=case, answers={"what_happened": "draft"}, by=customer)
    services.reflection_submit(case=case, answers=ANSWERS, by=customer)
    services.reflection_review(case=case, note="Thoughtful.", by=caseworker)
    case.refresh_from_db()
    assert case.step == Case.Step.PLAN

    # 2. Plan: signed by all three parties.
    plan = services.plan_create_version(case=case, by=caseworker, **PLAN)
    for participant in (customer, business, agent):
        services.plan_signoff(plan=plan, participant=participant, decision="agreed", by=participant)
    case.refresh_from_db()
    assert case.step == Case.Step.ROLE_SWAP

    # 3. Role swap: two four-hour shifts attended reach the plan's eight hours.
    shifts = [
        propose_shift(
            case, caseworker, start=h, end=h + 4, role="Cashier", location="Main St store", supervisor_on_site="Dana"
        )
        for h in (24, 48)
    ]
    for shift in shifts:
        services.shift_confirm(shift=shift, by=business)
    with time_machine.travel(soon(60)):
        for shift in shifts:
            services.shift_record_attendance(
                shift=shift, attended=True, minutes=4 * 60, feedback="Kind.", by=business
            )
    case.refresh_from_db()
    assert case.step == Case.Step.MEETING

    # 4. Meeting: scheduled and held.
    services.meeting_schedule(
        case=case,
        by=caseworker,
        scheduled_at=soon(72),
        format="in_person",
        location="PLI office",
        facilitator="Sam",
        safety_plan="",
    )
    with time_machine.travel(soon(75)):
        services.meeting_record_outcome(
            case=case,
            by=caseworker,
            gratitude_expressed=True,
            acknowledgment_expressed=True,
            minutes=75,
            ownership_expressed=True,
            notes="Tears and a handshake.",
        )
    case.refresh_from_db()
    assert case.step == Case.Step.COMMITMENTS

    # 5. Commitments: agreed by the customer; the case completes and check-ins follow.
    services.commitments_draft(
        case=case, commitments="Breathe and step away.", off_limits="Filming staff.", by=caseworker
    )
    services.commitments_agree(case=case, by=customer)
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    assert case.completed_at is not None
    due = list(CheckIn.objects.filter(case=case).values_list("days_after", "due_on"))
    today = timezone.localdate()
    assert [(days, (due_on - today).days) for days, due_on in due] == [(30, 30), (90, 90), (180, 180)]

    steps = list(
        case.events.filter(kind=CaseEvent.Kind.STEP).order_by("created_at", "id").values_list("to_value", flat=True)
    )
    assert steps == ["2", "3", "4", "5"]
    assert all(state.done for state in workflow.progress(workflow.snapshot(case)))


def test_every_change_is_on_the_timeline_with_its_actor(open_case, caseworker):
    customer = person(open_case, "customer")

    services.reflection_submit(case=open_case, answers=ANSWERS, by=customer)
    services.reflection_review(case=open_case, note="", by=caseworker)

    events = list(open_case.events.order_by("created_at", "id"))
    assert [(e.kind, e.actor, e.actor_participant) for e in events] == [
        (CaseEvent.Kind.REFLECTION, None, customer),
        (CaseEvent.Kind.REFLECTION, caseworker, None),
        (CaseEvent.Kind.STEP, caseworker, None),
    ]
