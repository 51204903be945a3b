"""Reminders by text message: the channel a person chose, each text once, never at night, never after STOP."""

from datetime import timedelta

import pytest
from django.core import mail

from cases.models import Participant
from notifications import reminders, sms
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person

from .reminder_helpers import at_noon, dispatch_at, next_at

Kind = Reminder.Kind


def reach_customer_by(case, channel: str, phone: str = "+12125550142") -> Participant:
    customer = person(case, "customer")
    Participant.objects.filter(pk=customer.pk).update(channel=channel, phone=phone)
    reminders.sync_case(case)
    return person(case, "customer")


def reflection_rows(case) -> dict[str, Reminder]:
    rows = case.reminders.filter(kind=Kind.REFLECTION).order_by("due_at")
    return {row.channel: row for row in rows if row.key.endswith(rows[0].key.rsplit("@", 1)[1])}


@pytest.fixture
def case(caseworker):
    return full_case(caseworker=caseworker)


def test_a_customer_who_chose_texts_gets_the_reminder_as_a_text_with_their_link(case):
    reach_customer_by(case, Participant.Channel.SMS)
    (row,) = reflection_rows(case).values()
    assert row.channel == Reminder.Channel.SMS

    dispatch_at(at_noon(row.due_at))

    row.refresh_from_db()
    assert row.state == Reminder.State.SENT
    assert row.external_id.startswith("SM")
    assert row.access_link is not None
    (text,) = sms.outbox
    assert text.to == "+12125550142"
    assert "/p/" in text.body
    assert mail.outbox == []


def test_both_channels_make_one_e_mail_and_one_text_each_sent_once(case):
    reach_customer_by(case, Participant.Channel.BOTH)
    rows = reflection_rows(case)
    assert set(rows) == {"email", "sms"}
    due = at_noon(rows["email"].due_at)

    dispatch_at(due)
    dispatch_at(due + timedelta(minutes=5))

    assert len(sms.outbox) == 1
    assert len(mail.outbox) == 1


def test_a_text_due_at_night_waits_for_the_morning_while_the_e_mail_goes(case, settings):
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    reach_customer_by(case, Participant.Channel.BOTH)
    rows = reflection_rows(case)
    night = next_at(rows["sms"].due_at, 23, 30)

    result = dispatch_at(night)

    assert result.outcomes["waiting"] == 1
    assert len(mail.outbox) == 1
    assert sms.outbox == []
    text = Reminder.objects.get(pk=rows["sms"].pk)
    assert text.state == Reminder.State.SCHEDULED
    assert text.attempts == 0
    assert text.next_attempt_at == (night + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)

    dispatch_at(text.next_attempt_at)
    assert len(sms.outbox) == 1


def test_quiet_hours_are_those_of_the_persons_own_time_zone(case, settings):
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    reach_customer_by(case, Participant.Channel.SMS, phone="+13105550142")  # Los Angeles
    (row,) = reflection_rows(case).values()
    # 22:30 in New York is 19:30 in Los Angeles: not the night there.
    dispatch_at(next_at(row.due_at, 22, 30))

    assert len(sms.outbox) == 1


def test_a_number_that_answered_stop_gets_e_mail_instead_and_never_a_text(case):
    customer = reach_customer_by(case, Participant.Channel.SMS)
    (row,) = reflection_rows(case).values()
    # The STOP arrives after the text was scheduled: the scheduled text is not sent.
    Participant.objects.filter(pk=customer.pk).update(texts_stopped_at=row.created_at)

    dispatch_at(at_noon(row.due_at))

    row.refresh_from_db()
    assert sms.outbox == []
    assert row.state == Reminder.State.CANCELLED
    assert person(case, "customer").channels == ["email"]


def test_a_gateway_that_is_down_is_tried_again_then_the_text_fails_and_the_caseworker_hears(case, settings):
    settings.SMS_BACKEND = "tests.notifications.test_texts.DownGateway"
    reach_customer_by(case, Participant.Channel.SMS)
    (row,) = reflection_rows(case).values()
    moment = at_noon(row.due_at)

    for _attempt in range(settings.REMINDER_MAX_ATTEMPTS):
        dispatch_at(moment)
        row.refresh_from_db()
        moment = max(moment, row.next_attempt_at) + timedelta(seconds=1)

    assert row.state == Reminder.State.FAILED
    assert row.attempts == settings.REMINDER_MAX_ATTEMPTS
    assert "could not be reached" in row.last_error
    assert case.reminders.filter(kind=Kind.FAILED, failed_reminder=row).exists()


def test_a_number_the_gateway_refuses_for_good_fails_at_once(case, settings):
    settings.SMS_BACKEND = "tests.notifications.test_texts.RefusingGateway"
    reach_customer_by(case, Participant.Channel.SMS)
    (row,) = reflection_rows(case).values()

    dispatch_at(at_noon(row.due_at))

    row.refresh_from_db()
    assert (row.state, row.attempts) == (Reminder.State.FAILED, 1)


def test_texts_turned_off_send_e_mail_to_someone_who_chose_both(case, settings):
    settings.SMS_ENABLED = False
    reach_customer_by(case, Participant.Channel.BOTH)

    assert set(reflection_rows(case)) == {"email"}


def test_the_file_backend_writes_one_readable_file_per_text(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.backends.filebased.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"

    sms.send_sms(sms.SmsMessage(to="+12125550142", body="PLI: hello", reference="reminder-1"))

    (written,) = (tmp_path / "sms").iterdir()
    content = written.read_text()
    assert "To: +12125550142" in content
    assert content.rstrip().endswith("PLI: hello")


class DownGateway:
    def send(self, message):
        raise sms.SmsError("The gateway could not be reached: ConnectionError.")


class RefusingGateway:
    def send(self, message):
        raise sms.SmsError("The gateway refused the text (400, code 21614).", permanent=True)
