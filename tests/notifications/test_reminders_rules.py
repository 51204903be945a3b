"""The reminder rules: which reminders the services schedule, move and cancel as a case moves."""

from decimal import Decimal
from email.utils import parseaddr

import time_machine
from django.core import mail
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Participant
from compassion.moments import when
from notifications import reminders
from notifications import services as notification_services
from notifications.models import Reminder
from reconciliation import services
from tests.factories import full_case
from tests.reconciliation.journey import ANSWERS, PLAN, person, soon, walk_to_plan, walk_to_role_swap
from tests.reconciliation.test_rules import propose, schedule, walk_to_meeting

from .reminder_helpers import days, dispatch_at, kinds, scheduled

Kind = Reminder.Kind


def opened(caseworker) -> Case:
    """A case as intake leaves it: at step 1, with its reminders."""
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)
    return case


# ---------------------------------------------------------------- step 1


def test_a_case_opened_at_intake_gets_its_reflection_and_inactivity_reminders(caseworker):
    intake = case_services.IntakeDetails(
        incident={
            "occurred_at": timezone.now() - days(2),
            "location": "Checkout",
            "description": "Shouted.",
            "severity": "verbal",
            "police_involved": False,
            "source": "business",
        },
        new_business={"name": "Corner Bakery"},
        customer=case_services.PersonDetails(name="Alex Morgan", email="alex@example.com"),
        caseworker=caseworker,
    )

    case = case_services.case_open(intake=intake, by=caseworker)

    due = {(r.kind, round((r.due_at - case.opened_at) / days(1))) for r in scheduled(case)}
    assert due == {(Kind.REFLECTION, 3), (Kind.REFLECTION, 7), (Kind.IDLE, 14)}


def test_an_unsubmitted_reflection_is_reminded_after_3_days_and_again_after_7(caseworker, mailoutbox):
    case = opened(caseworker)

    dispatch_at(case.opened_at + days(2.9))
    assert mailoutbox == []
    dispatch_at(case.opened_at + days(3.1))
    dispatch_at(case.opened_at + days(3.2))
    customer = person(case, "customer")
    assert [[parseaddr(to) for to in m.to] for m in mailoutbox] == [[(customer.name, customer.email)]]
    dispatch_at(case.opened_at + days(7.1))

    assert len(mailoutbox) == 2
    assert case.reminders.filter(kind=Kind.REFLECTION, state=Reminder.State.SENT).count() == 2


def test_submitting_the_reflection_cancels_its_reminders(caseworker):
    case = opened(caseworker)

    services.reflection_submit(case=case, answers=ANSWERS, by=person(case, "customer"))

    assert not scheduled(case, Kind.REFLECTION)
    cancelled = case.reminders.filter(kind=Kind.REFLECTION, state=Reminder.State.CANCELLED)
    assert cancelled.count() == 2


def test_a_reflection_sent_back_is_reminded_again_from_when_it_was_submitted(caseworker):
    case = opened(caseworker)
    with time_machine.travel(case.opened_at + days(10)):
        services.reflection_submit(case=case, answers=ANSWERS, by=person(case, "customer"))
        services.reflection_return(case=case, note="Say more about the agent's day.", by=caseworker)

    due = sorted(r.due_at for r in scheduled(case, Kind.REFLECTION))

    assert due == [case.reflection.submitted_at + days(3), case.reflection.submitted_at + days(7)]


def test_when_both_reflection_reminders_are_due_at_once_only_the_later_one_is_sent(caseworker, mailoutbox):
    case = opened(caseworker)
    case_services.case_change_status(case=case, action="pause", by=caseworker)

    dispatch_at(case.opened_at + days(8))
    assert mailoutbox == []  # a paused case's reminders wait
    with time_machine.travel(case.opened_at + days(8)):
        case_services.case_change_status(case=case, action="resume", by=caseworker)
    dispatch_at(case.opened_at + days(8))

    assert len(mailoutbox) == 1
    assert case.reminders.get(kind=Kind.REFLECTION, state=Reminder.State.SENT).key.startswith("reflection:p")
    assert case.reminders.filter(kind=Kind.REFLECTION, state=Reminder.State.CANCELLED).count() == 1


# ---------------------------------------------------------------- step 2


def test_a_new_plan_version_asks_each_signer_at_once_and_reminds_after_3_days(caseworker):
    case = walk_to_plan(full_case(caseworker=caseworker), caseworker)

    plan = services.plan_create_version(case=case, by=caseworker, **PLAN)

    signers = {"Dana Owner", "Jamie Agent", person(case, "customer").name}
    assert kinds(case) >= {(Kind.SIGNOFF_REQUESTED, name) for name in signers}
    assert {r.participant.name for r in scheduled(case, Kind.SIGNOFF)} == signers
    assert {r.due_at for r in scheduled(case, Kind.SIGNOFF)} == {plan.created_at + days(3)}


def test_a_signoff_cancels_only_that_persons_reminders(caseworker):
    case = walk_to_plan(full_case(caseworker=caseworker), caseworker)
    plan = services.plan_create_version(case=case, by=caseworker, **PLAN)

    services.plan_signoff(plan=plan, participant=person(case, "business"), decision="agreed", by=caseworker)

    assert {r.participant.role for r in scheduled(case, Kind.SIGNOFF)} == {"customer", "agent"}


def test_a_new_plan_version_replaces_the_old_versions_reminders(caseworker):
    case = walk_to_plan(full_case(caseworker=caseworker), caseworker)
    first = services.plan_create_version(case=case, by=caseworker, **PLAN)
    business = person(case, "business")
    services.plan_signoff(plan=first, participant=business, decision="changes_requested", comment="AM", by=caseworker)

    second = services.plan_create_version(case=case, by=caseworker, **PLAN)

    assert {r.plan_id for r in scheduled(case, Kind.SIGNOFF)} == {second.pk}
    assert len(scheduled(case, Kind.SIGNOFF)) == 3


def test_an_agent_who_agrees_to_take_part_during_step_2_is_asked_to_sign(caseworker):
    case = walk_to_plan(full_case(caseworker=caseworker), caseworker)
    late = case.participants.create(role=Participant.Role.AGENT, name="Robin Late", email="robin@staff.example")
    services.plan_create_version(case=case, by=caseworker, **PLAN)
    assert (Kind.SIGNOFF_REQUESTED, "Robin Late") not in kinds(case)

    services.consent_record(participant=late, consent=Participant.Consent.GIVEN, by=caseworker)

    assert (Kind.SIGNOFF_REQUESTED, "Robin Late") in kinds(case)


# ---------------------------------------------------------------- step 3


def test_a_proposed_shift_notifies_the_business_at_once_and_reminds_it_after_2_days(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)

    shift = propose(case, caseworker, start=72)

    (notice,) = [r for r in scheduled(case, Kind.SHIFT_PROPOSED) if r.participant.role == "business"]
    (reminder,) = scheduled(case, Kind.SHIFT_UNCONFIRMED)
    assert (notice.participant.name, notice.due_at, notice.shift) == ("Dana Owner", shift.created_at, shift)
    assert (reminder.participant.name, reminder.due_at) == ("Dana Owner", shift.created_at + days(2))


def test_confirming_a_shift_cancels_its_reminder_and_reminds_both_sides_the_day_before(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    shift = propose(case, caseworker, start=72)

    services.shift_confirm(shift=shift, by=person(case, "business"))

    assert not scheduled(case, Kind.SHIFT_UNCONFIRMED)
    day_before = scheduled(case, Kind.SHIFT_TOMORROW)
    assert {r.participant.role for r in day_before} == {"customer", "business"}
    assert {r.due_at for r in day_before} == {shift.starts_at - days(1)}


def test_declining_or_cancelling_a_shift_cancels_its_reminders(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    declined, confirmed = propose(case, caseworker, start=72), propose(case, caseworker, start=96)
    services.shift_confirm(shift=confirmed, by=caseworker)

    services.shift_decline(shift=declined, reason="Inventory day", by=person(case, "business"))
    services.shift_cancel(shift=confirmed, reason="The customer is ill", by=caseworker)

    assert not case.reminders.filter(state=Reminder.State.SCHEDULED, shift__isnull=False).exists()


def test_a_shift_moved_to_the_business_time_moves_its_reminder(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    shift = propose(case, caseworker, start=72)
    starts_at = soon(120)  # once: read again later, "in 120 hours" may have moved on by a second
    services.shift_counter_propose(shift=shift, starts_at=starts_at, ends_at=soon(124), by=person(case, "business"))

    services.shift_accept_counter(shift=shift, by=caseworker)

    day_before = scheduled(case, Kind.SHIFT_TOMORROW)
    assert {r.due_at for r in day_before} == {starts_at - days(1)}


def test_a_shift_confirmed_less_than_a_day_ahead_is_reminded_at_once(caseworker, mailoutbox):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    shift = propose(case, caseworker, start=10)
    services.shift_confirm(shift=shift, by=caseworker)

    dispatch_at(timezone.now())

    assert {m.subject for m in mailoutbox} >= {f"Role-swap shift {when(shift.starts_at)}"}


# ---------------------------------------------------------------- step 4


def test_a_meeting_is_reminded_the_day_before_to_each_person_taking_part(caseworker):
    case = walk_to_meeting(full_case(caseworker=caseworker), caseworker)
    case.participants.create(
        role=Participant.Role.AGENT, name="Sol Declined", email="s@x.example", consent=Participant.Consent.DECLINED
    )
    case.participants.create(
        role=Participant.Role.AGENT,
        name="Kim Nocontact",
        email="k@x.example",
        consent=Participant.Consent.GIVEN,
        no_contact=True,
    )

    meeting = schedule(case, caseworker, hours=72)

    day_before = scheduled(case, Kind.MEETING_TOMORROW)
    assert {r.participant.name for r in day_before} == {person(case, "customer").name, "Dana Owner", "Jamie Agent"}
    assert {r.due_at for r in day_before} == {meeting.scheduled_at - days(1)}


def test_rescheduling_the_meeting_moves_its_reminders_and_skipping_it_cancels_them(caseworker):
    case = walk_to_meeting(full_case(caseworker=caseworker), caseworker)
    schedule(case, caseworker, hours=72)
    rows_before = set(case.reminders.filter(kind=Kind.MEETING_TOMORROW).values_list("pk", flat=True))

    meeting = schedule(case, caseworker, hours=96)
    assert {r.due_at for r in scheduled(case, Kind.MEETING_TOMORROW)} == {meeting.scheduled_at - days(1)}
    assert set(case.reminders.filter(kind=Kind.MEETING_TOMORROW).values_list("pk", flat=True)) == rows_before

    services.consent_record(participant=person(case, "agent"), consent=Participant.Consent.WITHDRAWN, by=caseworker)
    services.meeting_skip(case=case, reason="Jamie prefers a letter.", by=caseworker)
    assert not scheduled(case, Kind.MEETING_TOMORROW)


# ---------------------------------------------------------------- step 5 and check-ins


def test_completing_the_case_schedules_a_reminder_for_each_check_in(caseworker, supervisor, settings):
    settings.CHECKIN_DAYS = [30, 90]
    case = full_case(caseworker=caseworker)
    for step in range(1, 5):
        services.step_skip(case=case, step=step, reason="Test", by=supervisor)
    services.commitments_draft(case=case, commitments="Calm", off_limits="Threats", by=caseworker)

    services.commitments_agree(case=case, by=person(case, "customer"))

    checkins = scheduled(case, Kind.CHECKIN)
    assert [(r.checkin.days_after, timezone.localtime(r.due_at).hour) for r in checkins] == [(30, 9), (90, 9)]
    assert {r.participant.role for r in checkins} == {"customer"}
    assert kinds(case) == {(Kind.CHECKIN, person(case, "customer").name)}  # nothing of the open case is left

    services.checkin_record(checkin=checkins[0].checkin, answers="Doing well.", by=caseworker)
    assert [r.checkin.days_after for r in scheduled(case, Kind.CHECKIN)] == [90]


# ---------------------------------------------------------------- the caseworker


def test_a_case_without_activity_for_14_days_reminds_its_caseworker(caseworker, mailoutbox):
    case = opened(caseworker)
    services.reflection_submit(case=case, answers=ANSWERS, by=person(case, "customer"))
    case.refresh_from_db()

    dispatch_at(case.last_activity_at + days(13.9))
    assert mailoutbox == []
    dispatch_at(case.last_activity_at + days(14.1))

    assert [[parseaddr(to) for to in m.to] for m in mailoutbox] == [[(caseworker.get_full_name(), caseworker.email)]]
    assert case.reference in mailoutbox[0].subject


def test_activity_moves_the_inactivity_reminder_rather_than_adding_one(caseworker):
    case = opened(caseworker)
    services.reflection_save_draft(case=case, answers={"regrets": "a"}, by=person(case, "customer"))
    with time_machine.travel(timezone.now() + days(5)):
        services.reflection_submit(case=case, answers=ANSWERS, by=person(case, "customer"))
        services.reflection_review(case=case, note="Good", by=caseworker)
        case.refresh_from_db()

    idle = case.reminders.filter(kind=Kind.IDLE)
    assert idle.count() == 1
    assert idle.get().due_at == case.last_activity_at + days(14)


def test_activity_outside_the_steps_is_caught_up_before_the_inactivity_reminder_goes(caseworker, mailoutbox):
    case = opened(caseworker)
    with time_machine.travel(case.opened_at + days(10)):
        case_services.event_record(case=case, kind="note", message="Called the customer.", by=caseworker)

    dispatch_at(case.opened_at + days(14.1))

    assert not [m for m in mailoutbox if case.reference in m.subject]
    assert scheduled(case, Kind.IDLE)[0].due_at == case.opened_at + days(24)


def test_a_reassigned_case_reminds_its_new_caseworker(caseworker, supervisor):
    case = opened(caseworker)

    case_services.case_reassign(case=case, caseworker=supervisor, by=supervisor)

    assert {r.user for r in scheduled(case, Kind.IDLE)} == {supervisor}


# ---------------------------------------------------------------- status and idempotence


def test_withdrawing_a_case_cancels_every_reminder_at_once(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    propose(case, caseworker)

    case_services.case_change_status(case=case, action="withdraw", reason="Moved away", by=caseworker)

    assert not scheduled(case)
    assert set(case.reminders.values_list("cancel_reason", flat=True)) - {""} >= {"The case is withdrawn."}


def test_a_case_closed_behind_the_services_back_is_cancelled_by_the_dispatcher_not_sent(caseworker, mailoutbox):
    case = opened(caseworker)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)

    dispatch_at(case.opened_at + days(30))

    assert mailoutbox == []
    assert not scheduled(case)


def test_syncing_twice_changes_nothing(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker, role_swap_hours=Decimal(8))
    propose(case, caseworker)
    case.refresh_from_db()
    before = list(case.reminders.order_by("pk").values())

    reminders.sync_case(case)
    reminders.sync_case(case)

    assert list(case.reminders.order_by("pk").values()) == before


def test_a_reminder_the_caseworker_cancelled_is_not_scheduled_again(caseworker):
    case = opened(caseworker)
    first = scheduled(case, Kind.REFLECTION)[0]

    notification_services.reminder_cancel(reminder=first, by=caseworker)
    services.reflection_save_draft(case=case, answers={"regrets": "x"}, by=person(case, "customer"))

    first.refresh_from_db()
    assert first.state == Reminder.State.CANCELLED
    assert len(scheduled(case, Kind.REFLECTION)) == 1


def test_nothing_is_e_mailed_before_the_transaction_commits(caseworker, django_capture_on_commit_callbacks):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        propose(case, caseworker)
        assert mail.outbox == []

    assert callbacks
    # The business, to answer it, and the customer, to know what is coming: one each.
    assert [m.subject.startswith("A role-swap shift is proposed") for m in mail.outbox] == [True, True]
