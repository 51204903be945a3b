"""Phone numbers are real numbers, and each person's messages go by the channel chosen for them."""

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, Participant
from cases.services import WorkflowError, participant_channel_choose, participant_contact_change
from tests.cases.test_intake import INTAKE_URL, intake_post
from tests.factories import CaseFactory, ParticipantFactory


def contact_url(case, person) -> str:
    return reverse("cases:participant_contact", args=[case.reference, person.pk])


def test_intake_stores_a_local_number_as_a_real_number_and_shows_it_formatted(caseworker_client):
    caseworker_client.post(
        INTAKE_URL,
        intake_post(**{"customer-email": "", "customer-phone": "212.555.0142", "customer-channel": "sms"}),
    )

    customer = Participant.objects.get(role=Participant.Role.CUSTOMER)
    assert str(customer.phone) == "+12125550142"
    assert customer.channel == Participant.Channel.SMS
    page = caseworker_client.get(customer.case.get_absolute_url()).content.decode()
    assert "(212) 555-0142" in page
    assert "messages by text message" in page


def test_a_number_of_another_country_is_kept_with_its_country_code(caseworker_client):
    caseworker_client.post(
        INTAKE_URL, intake_post(**{"customer-phone": "+34 612 345 678", "customer-channel": "both"})
    )

    customer = Participant.objects.get(role=Participant.Role.CUSTOMER)
    assert str(customer.phone) == "+34612345678"
    assert "+34 612 34 56 78" in caseworker_client.get(customer.case.get_absolute_url()).content.decode()


@pytest.mark.parametrize("typed", ["555-123-4567", "020 7946 0958", "call me", "12345"])
def test_a_number_that_is_not_real_is_refused_at_intake_and_everything_typed_stays(caseworker_client, typed):
    response = caseworker_client.post(INTAKE_URL, intake_post(**{"customer-phone": typed}))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "Enter a real phone number" in page
    assert typed in page
    assert "Shouted at the cashier about a coupon." in page


def test_texts_without_a_phone_are_refused_with_what_to_do(caseworker_client):
    response = caseworker_client.post(INTAKE_URL, intake_post(**{"customer-channel": "sms"}))

    assert not Case.objects.exists()
    assert "Text messages need a phone number: add one, or choose e-mail." in response.content.decode()


def test_e_mail_chosen_for_someone_who_gave_only_a_phone_is_refused(caseworker_client):
    response = caseworker_client.post(
        INTAKE_URL, intake_post(**{"customer-email": "", "customer-phone": "(212) 555-0142"})
    )

    assert not Case.objects.exists()
    assert "There is no e-mail address: choose text messages, or add an address." in response.content.decode()


@pytest.mark.django_db
def test_the_caseworker_changes_how_a_person_is_reached_and_the_timeline_says_so(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker)
    customer = case.participants.get()

    form = caseworker_client.get(contact_url(case, customer))
    assert form.status_code == 200
    response = caseworker_client.post(
        contact_url(case, customer), {"email": customer.email, "phone": "(617) 555-0142", "channel": "both"}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (str(customer.phone), customer.channel) == ("+16175550142", Participant.Channel.BOTH)
    event = case.events.get(kind=CaseEvent.Kind.CONTACT)
    assert event.message == (
        f"How {customer.name} is reached changed: phone number, messages now by e-mail and text message."
    )
    assert event.actor == caseworker
    assert "617" not in event.message  # the timeline says what changed, not the number


@pytest.mark.django_db
def test_a_bad_number_on_the_contact_page_changes_nothing_and_keeps_what_was_typed(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker)
    customer = case.participants.get()

    response = caseworker_client.post(
        contact_url(case, customer), {"email": "new@example.com", "phone": "555-12", "channel": "sms"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a real phone number" in page
    assert "new@example.com" in page
    customer.refresh_from_db()
    assert customer.channel == Participant.Channel.EMAIL
    assert not case.events.filter(kind=CaseEvent.Kind.CONTACT).exists()


@pytest.mark.django_db
def test_another_caseworker_cannot_see_or_change_the_contact_details(client, outsider_caseworker):
    case = CaseFactory()
    customer = case.participants.get()
    client.force_login(outsider_caseworker)

    assert client.get(contact_url(case, customer)).status_code == 404
    assert client.post(contact_url(case, customer), {"email": "x@example.com", "channel": "email"}).status_code == 404
    customer.refresh_from_db()
    assert customer.email != "x@example.com"


@pytest.mark.django_db
def test_contact_details_of_an_ended_case_are_not_changed(caseworker):
    case = CaseFactory(caseworker=caseworker, status=Case.Status.WITHDRAWN)
    customer = case.participants.get()

    with pytest.raises(WorkflowError, match="The case is withdrawn"):
        participant_contact_change(participant=customer, email="", phone="", channel="email", by=caseworker)


@pytest.mark.django_db
def test_a_person_without_any_usable_address_is_named_on_the_case_page(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker)
    ParticipantFactory(case=case, name="Robin Quiet", email="", phone="", role=Participant.Role.AGENT)

    page = caseworker_client.get(case.get_absolute_url()).content.decode()

    assert "No way to reach Robin Quiet: no e-mail address and no phone that takes texts." in page


@pytest.mark.django_db
def test_the_channels_used_are_the_preferred_ones_that_work_else_any_that_works():
    case = CaseFactory()
    both = ParticipantFactory(case=case, email="a@example.com", phone="+12125550142", channel="both")
    assert both.channels == ["email", "sms"]
    texts_only_without_phone = ParticipantFactory(case=case, email="b@example.com", phone="", channel="sms")
    assert texts_only_without_phone.channels == ["email"]
    stopped = ParticipantFactory(case=case, email="c@example.com", phone="+12125550143", channel="sms")
    stopped.texts_stopped_at = stopped.created_at
    assert stopped.channels == ["email"]
    nothing = ParticipantFactory(case=case, email="", phone="", channel="sms")
    assert nothing.channels == ["sms"]
    assert nothing.unreachable


@pytest.mark.django_db
def test_a_participant_chooses_texts_only_with_a_number_on_record():
    case = CaseFactory()
    customer = case.participants.get()

    with pytest.raises(WorkflowError, match="We have no phone number for you"):
        participant_channel_choose(participant=customer, channel="sms")
    Participant.objects.filter(pk=customer.pk).update(phone="+12125550142")
    customer.refresh_from_db()
    participant_channel_choose(participant=customer, channel="sms")

    customer.refresh_from_db()
    assert customer.channel == "sms"
    event = case.events.get(kind=CaseEvent.Kind.CONTACT)
    assert event.actor_participant == customer
