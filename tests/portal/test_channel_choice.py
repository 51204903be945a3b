"""A participant chooses, on their own page, whether we write by e-mail, text or both."""

import pytest
from django.urls import reverse

from cases import links
from cases.models import CaseEvent, Participant
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person


@pytest.fixture
def case(caseworker):
    return full_case(caseworker=caseworker)


def messages_url(participant: Participant) -> str:
    _link, token = links.link_issue(participant=participant, by=None)
    return reverse("portal:messages", kwargs={"token": token})


def with_phone(case, role="customer", **fields) -> Participant:
    participant = person(case, role)
    Participant.objects.filter(pk=participant.pk).update(phone="+12125550142", **fields)
    return person(case, role)


def test_the_home_page_says_how_we_write_and_links_to_the_choice(client, case):
    customer = person(case, "customer")
    _link, token = links.link_issue(participant=customer, by=None)

    page = client.get(reverse("portal:home", kwargs={"token": token})).content.decode()

    assert "We write to you by e-mail." in page
    assert reverse("portal:messages", kwargs={"token": token}) in page


def test_a_customer_with_a_phone_switches_to_texts_and_the_reminders_follow(client, case):
    customer = with_phone(case)
    url = messages_url(customer)

    shown = client.get(url).content.decode()
    assert "By text message" in shown
    assert "By e-mail and text message" in shown
    response = client.post(url, {"channel": "sms"})

    assert response.status_code == 302
    assert person(case, "customer").channel == Participant.Channel.SMS
    event = case.events.get(kind=CaseEvent.Kind.CONTACT)
    assert event.actor_participant == customer
    scheduled = case.reminders.filter(participant=customer, state=Reminder.State.SCHEDULED)
    assert set(scheduled.values_list("channel", flat=True)) == {"sms"}


def test_the_page_offers_only_the_ways_we_have_an_address_for(client, case):
    customer = person(case, "customer")

    page = client.get(messages_url(customer)).content.decode()

    assert "By text message" not in page
    assert "tell your caseworker: they can add an e-mail address or a phone number" in page


def test_a_way_without_an_address_is_refused_kindly_and_nothing_changes(client, case):
    customer = person(case, "customer")

    response = client.post(messages_url(customer), {"channel": "sms"})

    assert response.status_code == 400
    assert "Choose one of the ways below." in response.content.decode()
    assert person(case, "customer").channel == Participant.Channel.EMAIL
    assert not case.events.filter(kind=CaseEvent.Kind.CONTACT).exists()


def test_choosing_texts_again_after_stop_says_yes_to_them_again(client, case):
    customer = with_phone(case, channel="sms", texts_stopped_at="2026-01-01T00:00:00Z")
    assert customer.channels == ["email"]

    client.post(messages_url(customer), {"channel": "sms"})

    customer = person(case, "customer")
    assert customer.texts_stopped_at is None
    assert customer.channels == ["sms"]


def test_the_page_speaks_spanish_to_a_spanish_speaker(client, case):
    customer = with_phone(case, preferred_language="es")

    page = client.get(messages_url(customer)).content.decode()

    assert "Cómo te escribimos" in page
    assert "Por mensaje de texto" in page
