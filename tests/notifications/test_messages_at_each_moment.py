"""A short message at each moment a person must act or should know: commitments ready to agree, a
meeting scheduled (with its calendar file), a shift proposed or confirmed (to the customer too).
Each goes through the reminders' rows, exactly once, in the person's language."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone
from time_machine import travel

from cases.models import Case, Participant
from notifications import reminders, sms
from notifications.models import Reminder
from reconciliation import services
from tests.factories import full_case
from tests.reconciliation.journey import person, walk_to_role_swap
from tests.reconciliation.test_rules import propose, walk_to_meeting

from .reminder_helpers import dispatch_at

Kind = Reminder.Kind


def to(participant) -> list:
    return [m for m in mail.outbox if participant.email in m.to[0]]


def dispatch_twice() -> None:
    dispatch_at(timezone.now())
    dispatch_at(timezone.now() + timedelta(minutes=5))


def in_spanish(participant) -> Participant:
    participant.preferred_language = Participant.Language.SPANISH
    participant.save()
    return participant


def test_the_customer_is_told_once_that_the_commitments_are_ready_in_their_language(caseworker):
    case = full_case(caseworker=caseworker)
    Case.objects.filter(pk=case.pk).update(step=Case.Step.COMMITMENTS)
    customer = in_spanish(person(case, "customer"))
    mail.outbox.clear()

    services.commitments_draft(case=case, commitments="Calm words.", off_limits="Threats.", by=caseworker)
    dispatch_twice()

    (message,) = to(customer)
    assert message.subject == "Tus compromisos están listos para leer"
    assert "léelos en tu página personal" in message.body
    assert "/p/" in message.body
    assert [m.to for m in mail.outbox] == [message.to]


def test_a_meeting_scheduled_days_ahead_is_announced_once_to_each_person_with_its_calendar_file(caseworker):
    case = walk_to_meeting(full_case(caseworker=caseworker), caseworker)
    mail.outbox.clear()

    meeting = services.meeting_schedule(
        case=case,
        by=caseworker,
        scheduled_at=timezone.now().replace(microsecond=0) + timedelta(days=3),
        format="video",
        location="https://meet.example/x",
        facilitator="Sam",
        safety_plan="",
    )
    dispatch_twice()

    announced = [m for m in mail.outbox if m.subject.startswith("The restorative meeting is scheduled: on ")]
    assert sorted(m.to[0] for m in announced) == sorted(m.to[0] for m in mail.outbox)
    assert {person(case, role).email for role in ("customer", "agent", "business")} <= {
        m.to[0].split("<")[-1].rstrip(">") for m in announced
    }
    assert len(announced) == len({m.to[0] for m in announced})
    for message in announced:
        (name, content, mimetype), *_ = message.attachments
        assert (name, mimetype) == ("meeting.ics", "text/calendar")
        assert meeting.scheduled_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S") in (
            content if isinstance(content, str) else content.decode()
        )
    (agent_message,) = to(person(case, "agent"))
    assert "Taking part stays your choice" in agent_message.body
    (customer_message,) = to(person(case, "customer"))
    assert "Taking part stays your choice" not in customer_message.body


def test_a_meeting_later_today_gets_one_message_that_says_today_not_two(caseworker):
    case = walk_to_meeting(full_case(caseworker=caseworker), caseworker)
    mail.outbox.clear()
    start = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    now = start - timedelta(hours=2)

    with travel(now, tick=False):
        services.meeting_schedule(
            case=case,
            by=caseworker,
            scheduled_at=start,
            format="video",
            location="https://meet.example/x",
            facilitator="Sam",
            safety_plan="",
        )
    dispatch_at(now)

    subjects = [m.subject for m in to(person(case, "customer"))]
    assert subjects == ["The restorative meeting, today at 23:00"]


def test_the_customer_hears_of_a_proposed_shift_in_their_own_words_and_the_business_is_asked(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    mail.outbox.clear()

    propose(case, caseworker, start=72)
    dispatch_twice()

    (for_customer,) = to(person(case, "customer"))
    (for_business,) = to(person(case, "business"))
    assert "has proposed a role-swap shift for you" in for_customer.body
    assert "we will write to you when it does" in for_customer.body
    assert "Please confirm the shift" not in for_customer.body
    assert "Please confirm the shift" in for_business.body


def test_a_confirmed_shift_is_announced_once_to_the_customer_and_the_business(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    shift = propose(case, caseworker, start=72)
    dispatch_at(timezone.now())
    mail.outbox.clear()

    services.shift_confirm(shift=shift, by=person(case, "business"))
    dispatch_twice()

    confirmed = [m for m in mail.outbox if m.subject.startswith("Role-swap shift confirmed: on ")]
    assert len(confirmed) == len(mail.outbox) == 2
    assert {m.to[0] for m in confirmed} == {
        m.to[0] for m in to(person(case, "customer")) + to(person(case, "business"))
    }
    assert all(m.attachments[0][0] == "shift.ics" for m in confirmed)
    assert Reminder.objects.filter(case=case, kind=Kind.SHIFT_CONFIRMED, state=Reminder.State.SENT).count() == 2


def test_nobody_who_asked_not_to_be_contacted_is_told(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    customer = person(case, "customer")
    customer.contact_stopped_at = timezone.now()
    customer.save()
    mail.outbox.clear()

    propose(case, caseworker, start=72)
    dispatch_twice()

    assert to(customer) == []


def test_a_customer_who_chose_texts_hears_of_the_confirmed_shift_by_text_and_by_its_distance(caseworker):
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=ZoneInfo("America/New_York"))  # a Monday
    with travel(noon, tick=False):
        case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
        Participant.objects.filter(pk=person(case, "customer").pk).update(
            channel=Participant.Channel.SMS, phone="+12125550142"
        )
        reminders.sync_case(case)
        shift = services.shift_propose(
            case=case,
            by=caseworker,
            starts_at=noon + timedelta(days=3, hours=-3),
            ends_at=noon + timedelta(days=3),
            role="Cashier",
            location="Main St",
            supervisor_on_site="Dana",
        )
        services.shift_confirm(shift=shift, by=person(case, "business"))
        sms.outbox.clear()
        dispatch_at(noon)

    bodies = [text.body for text in sms.outbox]
    assert any(body.startswith("PLI: your shift is confirmed: on Thursday 10 December at 9:00.") for body in bodies)
