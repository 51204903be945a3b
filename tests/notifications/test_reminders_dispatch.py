"""The dispatcher: each due reminder sent once, failures retried with backoff, then failed and shown."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cases.models import AccessLink, Participant
from notifications import reminders
from notifications.models import Reminder
from tests.factories import ParticipantFactory, full_case
from tests.reconciliation.journey import person

from . import mail_backends
from .reminder_helpers import days, dispatch_at

Kind = Reminder.Kind


@pytest.fixture
def case(caseworker):
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)
    return case


def reflection_reminder(case) -> Reminder:
    return case.reminders.filter(kind=Kind.REFLECTION).order_by("due_at").first()


def test_a_due_reminder_is_sent_once_and_recorded(case):
    reminder = reflection_reminder(case)

    first = dispatch_at(reminder.due_at + timedelta(minutes=1))
    second = dispatch_at(reminder.due_at + timedelta(minutes=2))

    reminder.refresh_from_db()
    assert (first.outcomes["sent"], second.outcomes["sent"]) == (1, 0)
    assert len(mail.outbox) == 1
    assert (reminder.state, reminder.attempts) == (Reminder.State.SENT, 1)
    assert reminder.sent_at == reminder.due_at + timedelta(minutes=1)


def test_each_e_mail_carries_a_fresh_personal_link_recorded_with_it(case):
    reminder = reflection_reminder(case)

    dispatch_at(reminder.due_at)

    reminder.refresh_from_db()
    link = reminder.access_link
    assert link.participant == person(case, "customer")
    assert link.emailed_at == reminder.sent_at
    assert link.issued_by is None
    assert "/p/" in mail.outbox[0].body


def test_a_mail_server_timeout_is_retried_after_1_5_and_30_minutes_then_failed_and_shown(case, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.DownBackend"
    settings.REMINDER_BACKOFF_MINUTES, settings.REMINDER_MAX_ATTEMPTS = [1, 5, 30], 4
    reminder = reflection_reminder(case)
    start = reminder.due_at

    retries = []
    for minutes in (0, 1, 6, 36):
        dispatch_at(start + timedelta(minutes=minutes, seconds=1))
        reminder.refresh_from_db()
        retries.append((reminder.state, reminder.attempts, reminder.next_attempt_at - start))

    assert retries[:3] == [
        (Reminder.State.SCHEDULED, 1, timedelta(minutes=1, seconds=1)),
        (Reminder.State.SCHEDULED, 2, timedelta(minutes=6, seconds=1)),
        (Reminder.State.SCHEDULED, 3, timedelta(minutes=36, seconds=1)),
    ]
    assert retries[3][:2] == (Reminder.State.FAILED, 4)
    assert reminder.last_error == "TimeoutError: timed out"


def test_a_retry_waits_for_its_time(case, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.DownBackend"
    reminder = reflection_reminder(case)
    dispatch_at(reminder.due_at)

    result = dispatch_at(reminder.due_at + timedelta(seconds=30))

    assert result.total == 0


def test_a_reminder_failing_for_good_tells_the_caseworker_once(case, caseworker, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakyBackend"
    settings.REMINDER_MAX_ATTEMPTS = 1
    customer = person(case, "customer")
    mail_backends.REFUSED.add(customer.email)
    try:
        reminder = reflection_reminder(case)
        dispatch_at(reminder.due_at)
        dispatch_at(reminder.due_at + timedelta(minutes=1))
    finally:
        mail_backends.REFUSED.clear()

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert "SMTPRecipientsRefused" in reminder.last_error
    notice = case.reminders.get(kind=Kind.FAILED)
    assert (notice.user, notice.failed_reminder, notice.state) == (caseworker, reminder, Reminder.State.SENT)
    assert [m.to for m in mail.outbox] == [[f"{caseworker.get_full_name()} <{caseworker.email}>"]]
    assert customer.name in mail.outbox[0].body
    assert "SMTPRecipientsRefused" in mail.outbox[0].body


def test_one_failing_reminder_does_not_hold_up_the_others(caseworker, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakyBackend"
    cases = [full_case(caseworker=caseworker) for _ in range(3)]
    for case in cases:
        reminders.sync_case(case)
    mail_backends.REFUSED.add(person(cases[0], "customer").email)
    try:
        dispatch_at(timezone.now() + days(3.5))
    finally:
        mail_backends.REFUSED.clear()

    assert len(mail.outbox) == 2
    assert reflection_reminder(cases[0]).state == Reminder.State.SCHEDULED
    assert {reflection_reminder(c).state for c in cases[1:]} == {Reminder.State.SENT}


def test_a_participant_without_an_e_mail_fails_at_once_with_the_reason(caseworker):
    case = full_case(caseworker=caseworker, customer__email="")
    reminders.sync_case(case)
    reminder = reflection_reminder(case)

    dispatch_at(reminder.due_at)

    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.FAILED, 1)
    assert reminder.last_error == f"{person(case, 'customer').name} has no e-mail address."
    assert not AccessLink.objects.filter(participant=person(case, "customer")).exists()
    assert case.reminders.get(kind=Kind.FAILED).state == Reminder.State.SENT


def test_a_notice_that_cannot_be_sent_does_not_beget_another(caseworker):
    caseworker.email = ""
    caseworker.save()
    case = full_case(caseworker=caseworker, customer__email="")
    reminders.sync_case(case)

    dispatch_at(reflection_reminder(case).due_at)

    states = sorted(case.reminders.filter(state=Reminder.State.FAILED).values_list("kind", flat=True))
    assert states == [Kind.FAILED, Kind.REFLECTION]
    assert case.reminders.filter(kind=Kind.FAILED).count() == 1


def test_a_worker_killed_while_sending_leaves_the_reminder_to_be_sent_once_after_restart(case, settings):
    reminder = reflection_reminder(case)
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.KilledBackend"

    with pytest.raises(SystemExit):
        dispatch_at(reminder.due_at)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.SCHEDULED, 0)
    assert not AccessLink.objects.exists()  # nothing of the interrupted attempt is left

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dispatch_at(reminder.due_at + timedelta(minutes=1))
    dispatch_at(reminder.due_at + timedelta(minutes=2))
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert len(mail.outbox) == 1


def test_the_same_reminder_always_has_the_same_message_id(case, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakyBackend"
    reminder = reflection_reminder(case)
    mail_backends.REFUSED.add(person(case, "customer").email)
    mail_backends.TRIED.clear()
    try:
        dispatch_at(reminder.due_at)
    finally:
        mail_backends.REFUSED.clear()
    dispatch_at(reminder.due_at + timedelta(minutes=2))

    ids = [message.extra_headers["Message-ID"] for message in mail_backends.TRIED]
    assert ids == [f"<reminder-{reminder.pk}@pli.example>"] * 2


def test_the_caseworkers_own_notices_go_out_while_the_case_is_paused(case, caseworker):
    from cases import services as case_services

    case_services.case_change_status(case=case, action="pause", by=caseworker)
    reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))

    result = dispatch_at(timezone.now() + days(4))

    assert result.outcomes["sent"] == 1
    assert case.reminders.get(kind=Kind.LINK).state == Reminder.State.SENT
    assert reflection_reminder(case).state == Reminder.State.SCHEDULED


def test_send_due_reminders_runs_one_pass(case, capsys):
    reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))

    call_command("send_due_reminders")

    assert "1 sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------- notify


def test_e_mailing_a_link_twice_in_the_same_minute_queues_one_e_mail(case):
    customer = person(case, "customer")

    first = reminders.notify(case=case, kind=Kind.LINK, participant=customer)
    second = reminders.notify(case=case, kind=Kind.LINK, participant=customer)

    assert first == second
    assert first.due_at <= timezone.now()


def test_notify_refuses_someone_of_another_case_and_a_closed_case(case, caseworker):
    stranger = ParticipantFactory(role=Participant.Role.AGENT)
    with pytest.raises(reminders.WorkflowError, match="not part of this case"):
        reminders.notify(case=case, kind=Kind.LINK, participant=stranger)

    from cases import services as case_services

    case = case_services.case_change_status(case=case, action="close", reason="Done", by=caseworker)
    with pytest.raises(reminders.WorkflowError, match="closed"):
        reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))


def test_a_link_e_mail_is_sent_on_commit_through_the_celery_task(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))

    assert [m.subject for m in mail.outbox] == ["Your personal link to the Customer Compassion Project"]


def test_a_broker_that_cannot_be_reached_leaves_the_e_mail_to_the_beat_pass(case, monkeypatch, caplog):
    from notifications import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("redis is restarting")

    monkeypatch.setattr(tasks.dispatch_due_reminders, "apply_async", unreachable)
    reminders._enqueue_dispatch()

    assert "next beat pass" in caplog.text


def test_a_reminder_that_breaks_the_dispatcher_does_not_stop_the_others(caseworker, monkeypatch):
    from notifications import dispatch

    cases = [full_case(caseworker=caseworker) for _ in range(2)]
    for case in cases:
        reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))
    broken = cases[0].reminders.get(kind=Kind.LINK)
    deliver = dispatch._deliver

    def buggy(reminder):
        if reminder.pk == broken.pk:
            raise KeyError("a bug")
        return deliver(reminder)

    monkeypatch.setattr(dispatch, "_deliver", buggy)
    result = dispatch_at(timezone.now())

    assert result.outcomes == {"sent": 1, "retry": 0, "failed": 0, "cancelled": 0, "error": 1, "waiting": 0}
    broken.refresh_from_db()
    assert broken.state == Reminder.State.SCHEDULED


def test_a_caseworker_whose_account_is_deactivated_gets_no_more_e_mail(case, caseworker):
    idle = case.reminders.get(kind=Reminder.Kind.IDLE)
    caseworker.is_active = False
    caseworker.save(update_fields=["is_active"])

    dispatch_at(idle.due_at)

    idle.refresh_from_db()
    assert idle.state == Reminder.State.CANCELLED
    assert "deactivated" in idle.cancel_reason
    assert not [message for message in mail.outbox if caseworker.email in message.to]
