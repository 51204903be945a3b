"""The rules of the five steps: each done-condition, and every illegal move refused without a trace."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from cases.models import Case, Participant
from reconciliation import services, workflow
from reconciliation.models import PlanSignoff, RestorativeMeeting, RoleSwapShift
from tests.factories import full_case

from .journey import ANSWERS, PLAN, person, propose_shift, soon, walk_to_plan, walk_to_role_swap


def db_state(case: Case) -> tuple:
    """Everything an illegal move must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.step,
        case.status,
        case.events.count(),
        list(case.plans.values_list("version", flat=True)),
        list(PlanSignoff.objects.filter(plan__case=case).values_list("participant", "decision")),
        list(case.shifts.order_by("pk").values_list("state", "starts_at", "ends_at", "minutes_attended")),
        list(RestorativeMeeting.objects.filter(case=case).values_list("state", "scheduled_at")),
        list(case.participants.order_by("pk").values_list("consent", flat=True)),
    )


def assert_refused(case, call, match):
    before = db_state(case)
    with pytest.raises(workflow.WorkflowError, match=match):
        call()
    assert db_state(case) == before


def propose(case, by, start=24, length=4, **extra):
    return propose_shift(case, by, start=start, end=start + length, **extra)


# ---------------------------------------------------------------- step 1


def test_a_submitted_reflection_is_not_done_until_reviewed(open_case, caseworker):
    services.reflection_submit(case=open_case, answers=ANSWERS, by=caseworker)

    open_case.refresh_from_db()
    state = workflow.step_state(workflow.snapshot(open_case), 1)
    assert open_case.step == 1
    assert state.missing == ["The reflection is submitted and waiting for the caseworker's review."]


def test_a_reflection_cannot_be_submitted_with_unanswered_questions(open_case, caseworker):
    services.reflection_save_draft(case=open_case, answers={"what_happened": "Only this"}, by=caseworker)

    assert_refused(
        open_case,
        lambda: services.reflection_submit(case=open_case, by=caseworker),
        "Please answer every question",
    )


def test_saving_the_draft_twice_keeps_the_latest_answers(open_case, caseworker):
    services.reflection_save_draft(case=open_case, answers={"regrets": "first"}, by=caseworker)
    services.reflection_save_draft(case=open_case, answers={"regrets": "second", "what_happened": "x"}, by=caseworker)

    assert open_case.reflection.regrets == "second"
    assert open_case.reflection.what_happened == "x"


def test_a_submitted_reflection_can_no_longer_be_edited(open_case, caseworker):
    services.reflection_submit(case=open_case, answers=ANSWERS, by=caseworker)

    with pytest.raises(workflow.WorkflowError, match="already submitted"):
        services.reflection_save_draft(case=open_case, answers={"regrets": "changed"}, by=caseworker)
    open_case.reflection.refresh_from_db()
    assert open_case.reflection.regrets == ANSWERS["regrets"]


# ---------------------------------------------------------------- step 2


def test_plan_progress_says_who_is_missing(open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    plan = services.plan_create_version(case=open_case, by=caseworker, **PLAN)
    services.plan_signoff(plan=plan, participant=person(open_case, "customer"), decision="agreed", by=caseworker)
    services.plan_signoff(plan=plan, participant=person(open_case, "agent"), decision="agreed", by=caseworker)

    missing = workflow.step_state(workflow.snapshot(open_case), 2).missing

    assert missing == ["2 of 3 sign-offs on version 1: waiting for the business representative (Dana Owner)."]


def test_editing_the_plan_makes_a_new_version_and_earlier_signoffs_do_not_count(open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    first = services.plan_create_version(case=open_case, by=caseworker, **PLAN)
    for participant in open_case.participants.exclude(role="business"):
        services.plan_signoff(plan=first, participant=participant, decision="agreed", by=caseworker)

    second = services.plan_create_version(case=open_case, by=caseworker, **{**PLAN, "role_swap_hours": Decimal(10)})

    assert second.version == 2
    missing = workflow.step_state(workflow.snapshot(open_case), 2).missing
    assert missing[0].startswith("0 of 3 sign-offs on version 2")


def test_signing_an_old_plan_version_is_refused(open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    first = services.plan_create_version(case=open_case, by=caseworker, **PLAN)
    services.plan_create_version(case=open_case, by=caseworker, **PLAN)
    customer = person(open_case, "customer")

    assert_refused(
        open_case,
        lambda: services.plan_signoff(plan=first, participant=customer, decision="agreed", by=customer),
        "the plan is now at version 2",
    )


def test_asking_for_changes_needs_a_comment_and_is_shown_as_missing(open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    plan = services.plan_create_version(case=open_case, by=caseworker, **PLAN)
    business = person(open_case, "business")

    assert_refused(
        open_case,
        lambda: services.plan_signoff(plan=plan, participant=business, decision="changes_requested", by=business),
        "which changes",
    )
    services.plan_signoff(
        plan=plan, participant=business, decision="changes_requested", comment="Fewer hours", by=business
    )
    assert (
        "Dana Owner asked for changes: “Fewer hours”." in workflow.step_state(workflow.snapshot(open_case), 2).missing
    )


@pytest.mark.parametrize("hours", [Decimal("-1"), Decimal("0"), Decimal("201")])
def test_absurd_role_swap_hours_are_refused(open_case, caseworker, hours):
    walk_to_plan(open_case, caseworker)

    assert_refused(
        open_case,
        lambda: services.plan_create_version(case=open_case, by=caseworker, **{**PLAN, "role_swap_hours": hours}),
        "more than 0 and at most 200",
    )


def test_an_agent_who_declined_is_not_asked_to_sign(open_case, caseworker):
    agent = person(open_case, "agent")
    services.consent_record(participant=agent, consent="declined", by=caseworker)
    walk_to_plan(open_case, caseworker)
    plan = services.plan_create_version(case=open_case, by=caseworker, **PLAN)

    for participant in open_case.participants.exclude(pk=agent.pk):
        services.plan_signoff(plan=plan, participant=participant, decision="agreed", by=caseworker)

    open_case.refresh_from_db()
    assert open_case.step == Case.Step.ROLE_SWAP


def test_a_plan_cannot_be_drafted_before_the_reflection_is_reviewed(open_case, caseworker):
    assert_refused(
        open_case,
        lambda: services.plan_create_version(case=open_case, by=caseworker, **PLAN),
        "this belongs to plan",
    )


# ---------------------------------------------------------------- step 3


def test_attended_hours_reaching_the_plan_complete_step_three_and_a_no_show_does_not_count(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker, role_swap_hours=Decimal(6))
    first, second, third = (propose(open_case, caseworker, start) for start in (24, 48, 72))
    for shift in (first, second, third):
        services.shift_confirm(shift=shift, by=caseworker)

    with time_machine.travel(soon(80)):
        services.shift_record_attendance(shift=first, attended=False, by=caseworker)
        services.shift_record_attendance(shift=second, attended=True, minutes=4 * 60, by=caseworker)
        open_case.refresh_from_db()
        assert open_case.step == Case.Step.ROLE_SWAP
        missing = workflow.step_state(workflow.snapshot(open_case), 3).missing
        assert missing == ["4 hours of 6 role-swap hours attended."]

        services.shift_record_attendance(shift=third, attended=True, minutes=2 * 60, by=caseworker)
    open_case.refresh_from_db()
    assert open_case.step == Case.Step.MEETING


def test_a_cancelled_shift_cannot_be_confirmed(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    shift = propose(open_case, caseworker)
    services.shift_cancel(shift=shift, reason="Store closed", by=caseworker)

    assert_refused(
        open_case, lambda: services.shift_confirm(shift=shift, by=caseworker), "cancelled cannot be confirmed"
    )


def test_a_shift_cannot_be_attended_before_it_starts(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    shift = propose(open_case, caseworker)
    services.shift_confirm(shift=shift, by=caseworker)

    assert_refused(
        open_case,
        lambda: services.shift_record_attendance(shift=shift, attended=True, minutes=4 * 60, by=caseworker),
        "only once the shift has started",
    )


def test_overlapping_shifts_for_the_same_customer_are_refused(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    propose(open_case, caseworker, start=24, length=4)

    assert_refused(open_case, lambda: propose(open_case, caseworker, start=26, length=4), "already has a shift")


def test_a_shift_ending_before_it_starts_is_refused(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)

    assert_refused(open_case, lambda: propose(open_case, caseworker, start=24, length=-2), "must end after it starts")


def test_a_shift_in_the_past_is_refused(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)

    assert_refused(open_case, lambda: propose(open_case, caseworker, start=-5), "must be in the future")


def test_a_shift_never_overlaps_the_hours_of_an_agent_who_asked_for_no_contact(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    agent = person(open_case, "agent")
    Participant.objects.filter(pk=agent.pk).update(no_contact=True)
    agent.refresh_from_db()

    assert_refused(open_case, lambda: propose(open_case, caseworker, agent=agent), "give their hours")
    assert_refused(
        open_case,
        lambda: propose(open_case, caseworker, agent=agent, agent_starts_at=soon(20), agent_ends_at=soon(26)),
        "must not overlap their hours",
    )
    shift = propose(open_case, caseworker, agent=agent, agent_starts_at=soon(28), agent_ends_at=soon(36))
    assert shift.state == RoleSwapShift.State.PROPOSED


def test_the_business_declines_with_a_reason_or_proposes_another_time(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    business = person(open_case, "business")
    declined, moved = propose(open_case, caseworker, 24), propose(open_case, caseworker, 48)

    assert_refused(open_case, lambda: services.shift_decline(shift=declined, reason="", by=business), "why")
    services.shift_decline(shift=declined, reason="Inventory day", by=business)
    other_time = soon(96)  # read the clock once: the assertion below compares with it
    services.shift_counter_propose(
        shift=moved, starts_at=other_time, ends_at=other_time + timedelta(hours=4), by=business
    )
    services.shift_accept_counter(shift=moved, by=caseworker)

    moved.refresh_from_db()
    declined.refresh_from_db()
    assert declined.state == RoleSwapShift.State.DECLINED
    assert (moved.state, moved.starts_at) == (RoleSwapShift.State.CONFIRMED, other_time)


def test_a_high_risk_case_needs_a_supervisor_approval_before_any_shift(caseworker, supervisor):
    case = full_case(caseworker=caseworker, risk=Case.Risk.HIGH)
    walk_to_role_swap(case, caseworker)

    assert_refused(case, lambda: propose(case, caseworker), "a supervisor must approve")
    assert_refused(case, lambda: services.safety_approve(case=case, note="ok", by=caseworker), "Only a supervisor")
    services.safety_approve(case=case, note="Business agreed to a manager on site.", by=supervisor)
    assert propose(case, caseworker).state == RoleSwapShift.State.PROPOSED


# ---------------------------------------------------------------- step 4


def walk_to_meeting(case, by, **case_fields):
    walk_to_role_swap(case, by, role_swap_hours=Decimal(4))
    shift = propose(case, by)
    services.shift_confirm(shift=shift, by=by)
    with time_machine.travel(soon(30)):
        services.shift_record_attendance(shift=shift, attended=True, minutes=4 * 60, by=by)
    case.refresh_from_db()
    assert case.step == Case.Step.MEETING
    return case


def schedule(case, by, hours=48, **extra):
    fields = {"format": "video", "location": "https://meet.example/x", "facilitator": "Sam", "safety_plan": ""} | extra
    return services.meeting_schedule(case=case, by=by, scheduled_at=soon(hours), **fields)


def test_a_meeting_in_the_past_is_refused(open_case, caseworker):
    walk_to_meeting(open_case, caseworker)

    assert_refused(open_case, lambda: schedule(open_case, caseworker, hours=-1), "must be in the future")


def test_a_meeting_years_ahead_is_refused(open_case, caseworker):
    walk_to_meeting(open_case, caseworker)

    assert_refused(open_case, lambda: schedule(open_case, caseworker, hours=24 * 800), "within the next 730 days")


def test_a_meeting_on_a_case_that_is_not_low_risk_needs_a_safety_plan(caseworker):
    case = full_case(caseworker=caseworker, risk=Case.Risk.MEDIUM)
    walk_to_meeting(case, caseworker)

    assert_refused(case, lambda: schedule(case, caseworker), "write a safety plan")
    assert schedule(case, caseworker, safety_plan="Facilitator by the door.").state == "scheduled"


def test_the_outcome_cannot_be_recorded_before_the_meeting(open_case, caseworker):
    walk_to_meeting(open_case, caseworker)
    schedule(open_case, caseworker)

    assert_refused(
        open_case,
        lambda: services.meeting_record_outcome(
            case=open_case,
            by=caseworker,
            gratitude_expressed=True,
            acknowledgment_expressed=True,
            minutes=75,
            ownership_expressed=True,
            notes="x",
        ),
        "once the meeting has taken place",
    )


def test_an_agent_declining_lets_the_meeting_step_complete_as_skipped(open_case, caseworker):
    walk_to_meeting(open_case, caseworker)

    assert_refused(
        open_case, lambda: services.meeting_skip(case=open_case, reason="x", by=caseworker), "agreed to take part"
    )
    services.consent_record(participant=person(open_case, "agent"), consent="withdrawn", by=caseworker)
    services.meeting_skip(case=open_case, reason="Jamie would rather not meet.", by=caseworker)

    open_case.refresh_from_db()
    assert open_case.step == Case.Step.COMMITMENTS
    assert open_case.meeting.skip_reason == "Jamie would rather not meet."


# ---------------------------------------------------------------- step 5 and skips


def test_commitments_cannot_be_agreed_before_they_are_written(caseworker, supervisor):
    case = full_case(caseworker=caseworker)
    for step in range(1, 5):
        services.step_skip(case=case, step=step, reason="Demo", by=supervisor)

    assert_refused(case, lambda: services.commitments_agree(case=case, by=caseworker), "no commitments")


def test_only_a_supervisor_skips_a_step_and_only_with_a_reason(open_case, caseworker, supervisor):
    assert_refused(
        open_case, lambda: services.step_skip(case=open_case, step=1, reason="x", by=caseworker), "Only a supervisor"
    )
    assert_refused(open_case, lambda: services.step_skip(case=open_case, step=1, reason=" ", by=supervisor), "why")
    assert_refused(
        open_case, lambda: services.step_skip(case=open_case, step=2, reason="x", by=supervisor), "current step"
    )

    services.step_skip(case=open_case, step=1, reason="Reflection done on paper", by=supervisor)

    open_case.refresh_from_db()
    assert open_case.step == Case.Step.PLAN


def test_nothing_moves_on_a_paused_case(open_case, caseworker):
    from cases.services import case_change_status

    case_change_status(case=open_case, action="pause", by=caseworker)

    assert_refused(
        open_case, lambda: services.reflection_submit(case=open_case, answers=ANSWERS, by=caseworker), "paused"
    )
