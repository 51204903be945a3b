"""The SMS gateway's webhooks under random input: signed as the gateway signs, never a 500.

Anyone can post to ``/sms/status/`` and ``/sms/inbound/``; only the gateway can sign. Signed
posts with random fields (a number of someone in the program or any text, STOP and START in
any case, nonsense, a megabyte) must never fail and never leave a broken row; unsigned or
wrongly signed ones change nothing at all.
"""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from cases.models import Participant
from notifications.webhooks import START_WORDS, STOP_WORDS
from tests import sms_gateway

from .conftest import check, fuzz, one_example
from .strategies import NONSENSE
from .world import World, broken_rows, snapshot

NUMBER = "+12125550142"
WORDS = st.sampled_from(sorted(STOP_WORDS | START_WORDS)).flatmap(
    lambda word: st.sampled_from([word, word.lower(), f" {word.title()}! ", f"{word} please"])
)
STATUSES = st.sampled_from(["queued", "sent", "delivered", "undelivered", "failed", "DELIVERED", ""])


@pytest.fixture
def gateway_settings(settings, world: World):
    settings.SMS_URL = f"twilio://{sms_gateway.ACCOUNT_SID}:{sms_gateway.AUTH_TOKEN}@127.0.0.1:9/?from=%2B12125550100"
    Participant.objects.filter(pk=world.cases[0].participants.order_by("pk").first().pk).update(phone=NUMBER)


def fields(draw) -> dict[str, str]:
    return {
        "From": draw(st.one_of(st.just(NUMBER), st.just("+34612345678"), NONSENSE)),
        "To": draw(st.one_of(st.just("+12125550100"), NONSENSE)),
        "Body": draw(st.one_of(WORDS, NONSENSE)),
        "MessageSid": draw(st.one_of(st.just("SM" + "0" * 32), NONSENSE)),
        "MessageStatus": draw(st.one_of(STATUSES, NONSENSE)),
        "ErrorCode": draw(st.one_of(st.sampled_from(["", "30003", "21610"]), NONSENSE)),
    }


@pytest.mark.parametrize("name", ["sms:status", "sms:inbound"])
@fuzz
@given(data=st.data())
def test_a_signed_post_with_any_fields_is_never_a_500(db, world, gateway_settings, name, data):
    with one_example():
        params = fields(data.draw)
        path = reverse(name)
        signature = RequestValidator(sms_gateway.AUTH_TOKEN).compute_signature(django_settings.SITE_URL + path, params)

        response = Client().post(path, params, headers={"X-Twilio-Signature": signature})

        assert response.status_code < 500, response.status_code
        assert broken_rows() == []


@pytest.mark.parametrize("name", ["sms:status", "sms:inbound"])
@fuzz
@given(data=st.data())
def test_an_unsigned_or_forged_post_changes_nothing(db, world, gateway_settings, name, data):
    with one_example():
        params = fields(data.draw)
        signature = data.draw(st.one_of(st.none(), NONSENSE.filter(lambda s: s.isascii())), label="signature")
        before = snapshot()

        response = Client().post(
            reverse(name), params, headers={"X-Twilio-Signature": signature} if signature is not None else {}
        )

        check(response, before)
        assert response.status_code in {400, 403}
