"""Texts through the real client against a stand-in gateway on 127.0.0.1, and what the gateway posts back.

Twilio's official client sends to ``tests/sms_gateway.py``; delivery reports and replies are
posted to our webhooks signed as the gateway signs them (``RequestValidator``), or forged.
"""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from twilio.request_validator import RequestValidator

from cases.models import CaseEvent, Participant
from notifications import reminders
from notifications.models import Reminder
from tests import sms_gateway
from tests.factories import full_case
from tests.reconciliation.journey import person

from .reminder_helpers import at_noon, dispatch_at

NUMBER = "+12125550142"


@pytest.fixture
def gateway(settings):
    stand_in = sms_gateway.Gateway().start()
    settings.SMS_URL = stand_in.sms_url
    settings.SMS_BACKEND = "notifications.sms.backends.twilio.SmsBackend"
    settings.SMS_TIMEOUT = 5
    yield stand_in
    stand_in.stop()


@pytest.fixture
def case(caseworker):
    case = full_case(caseworker=caseworker)
    customer = person(case, "customer")
    Participant.objects.filter(pk=customer.pk).update(phone=NUMBER, channel=Participant.Channel.SMS)
    reminders.sync_case(case)
    return case


def text_reminder(case) -> Reminder:
    return case.reminders.filter(kind=Reminder.Kind.REFLECTION, channel="sms").order_by("due_at").first()


def signed_post(client, name: str, params: dict, *, token: str = sms_gateway.AUTH_TOKEN):
    path = reverse(name)
    signature = RequestValidator(token).compute_signature(django_settings.SITE_URL + path, params)
    return client.post(path, params, headers={"X-Twilio-Signature": signature})


def test_a_text_goes_through_the_official_client_to_the_gateway(gateway, case):
    reminder = text_reminder(case)

    dispatch_at(at_noon(reminder.due_at))

    (sent,) = gateway.messages
    assert sent["To"] == NUMBER
    assert sent["From"] == sms_gateway.FROM
    assert "/p/" in sent["Body"]
    assert sent["StatusCallback"] == django_settings.SITE_URL + "/sms/status/"
    reminder.refresh_from_db()
    assert (reminder.state, reminder.external_id) == (Reminder.State.SENT, sent["sid"])


def test_a_gateway_error_is_tried_again_and_the_text_then_goes_once(gateway, case):
    gateway.refuse_next(503, 20500)
    reminder = text_reminder(case)
    moment = at_noon(reminder.due_at)

    dispatch_at(moment)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.SCHEDULED, 1)
    assert "503" in reminder.last_error
    dispatch_at(reminder.next_attempt_at + timedelta(seconds=1))

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert len(gateway.messages) == 1


def test_a_number_that_takes_no_texts_is_failed_at_once_and_the_caseworker_hears(gateway, case):
    gateway.refuse_next(400, 21614)
    reminder = text_reminder(case)

    dispatch_at(at_noon(reminder.due_at))

    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.FAILED, 1)
    assert "code 21614" in reminder.last_error
    assert case.reminders.filter(kind=Reminder.Kind.FAILED, failed_reminder=reminder).exists()


def test_a_signed_delivery_report_is_kept_and_shown_on_the_case(gateway, case, caseworker_client):
    reminder = text_reminder(case)
    dispatch_at(at_noon(reminder.due_at))
    reminder.refresh_from_db()

    response = signed_post(
        caseworker_client, "sms:status", {"MessageSid": reminder.external_id, "MessageStatus": "delivered"}
    )
    late = signed_post(caseworker_client, "sms:status", {"MessageSid": reminder.external_id, "MessageStatus": "sent"})

    assert (response.status_code, late.status_code) == (204, 204)
    reminder.refresh_from_db()
    assert reminder.delivery_status == "delivered"  # a late "sent" does not move it back
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "by text" in page
    assert "delivered" in page


def test_a_text_that_did_not_arrive_is_a_failed_reminder(gateway, case, client):
    reminder = text_reminder(case)
    dispatch_at(at_noon(reminder.due_at))
    reminder.refresh_from_db()

    signed_post(
        client, "sms:status", {"MessageSid": reminder.external_id, "MessageStatus": "undelivered", "ErrorCode": "30005"}
    )

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert reminder.last_error == "The text did not arrive (undelivered, code 30005)."
    assert case.reminders.filter(kind=Reminder.Kind.FAILED, failed_reminder=reminder).exists()


@pytest.mark.parametrize("name", ["sms:status", "sms:inbound"])
def test_a_forged_or_missing_signature_gets_403_and_changes_nothing(gateway, case, client, name):
    reminder = text_reminder(case)
    dispatch_at(at_noon(reminder.due_at))
    reminder.refresh_from_db()
    params = {"MessageSid": reminder.external_id, "MessageStatus": "failed", "From": NUMBER, "Body": "STOP"}

    forged = signed_post(client, name, params, token="not-the-auth-token")  # noqa: S106 - a wrong one on purpose
    unsigned = client.post(reverse(name), params)

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.delivery_status) == (Reminder.State.SENT, "")
    assert person(case, "customer").texts_stopped_at is None


def test_without_a_gateway_nothing_is_accepted(settings, client, case):
    settings.SMS_URL = ""

    response = signed_post(client, "sms:inbound", {"From": NUMBER, "Body": "STOP"})

    assert response.status_code == 403
    assert person(case, "customer").texts_stopped_at is None


@pytest.mark.parametrize(
    ("word", "language", "answer"), [("STOP", "en", "no more texts"), ("baja", "es", "no recibirás")]
)
def test_stop_or_baja_ends_texts_at_once_and_e_mail_takes_over(gateway, case, client, word, language, answer):
    Participant.objects.filter(pk=person(case, "customer").pk).update(preferred_language=language)

    response = signed_post(client, "sms:inbound", {"From": NUMBER, "Body": f" {word} ", "MessageSid": "SMin1"})

    assert response.status_code == 200
    assert answer in response.content.decode()
    customer = person(case, "customer")
    assert customer.texts_stopped_at is not None
    assert customer.channels == ["email"]
    scheduled = case.reminders.filter(participant=customer, state=Reminder.State.SCHEDULED)
    assert set(scheduled.values_list("channel", flat=True)) == {"email"}
    event = case.events.get(kind=CaseEvent.Kind.CONTACT)
    assert "answered a text with STOP" in event.message
    assert "e-mail is used instead" in event.message
    # And a text the dispatcher had before the STOP is not sent.
    dispatch_at(at_noon(text_reminder(case).due_at))
    assert gateway.messages == []


def test_start_turns_texts_on_again(gateway, case, client):
    signed_post(client, "sms:inbound", {"From": NUMBER, "Body": "STOP"})
    signed_post(client, "sms:inbound", {"From": NUMBER, "Body": "START"})

    assert person(case, "customer").channels == ["sms"]


def test_any_other_reply_reaches_the_caseworker_on_the_timeline(gateway, case, client, caseworker):
    response = signed_post(client, "sms:inbound", {"From": NUMBER, "Body": "Can we move it to Friday?"})

    name = caseworker.get_full_name() or caseworker.get_username()
    assert f"{name} will read your message" in response.content.decode()
    event = case.events.get(kind=CaseEvent.Kind.CONTACT)
    assert event.message.endswith("sent a text: “Can we move it to Friday?”")


def test_a_reply_with_a_nul_character_still_reaches_the_caseworker(gateway, case, client):
    response = signed_post(client, "sms:inbound", {"From": NUMBER, "Body": "Call me\x00 please"})

    assert response.status_code == 200
    assert case.events.get(kind=CaseEvent.Kind.CONTACT).message.endswith("“Call me please”")


def test_a_reply_from_a_number_we_do_not_know_is_told_whom_to_call(gateway, client, db):
    response = signed_post(client, "sms:inbound", {"From": "+13105550199", "Body": "Hello?"})

    assert "nobody reads replies to this number" in response.content.decode()
