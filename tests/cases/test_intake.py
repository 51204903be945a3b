from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Business, Case, CaseEvent, Incident, Participant
from tests.factories import BusinessFactory, CaseFactory, CaseworkerFactory, ParticipantFactory

INTAKE_URL = reverse("cases:intake")


def intake_post(**overrides) -> dict:
    """A complete, valid intake form submission; override fields by their form names."""
    occurred = timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "incident-occurred_at": occurred,
        "incident-location": "Checkout line",
        "incident-description": "Shouted at the cashier about a coupon.",
        "incident-severity": Incident.Severity.VERBAL,
        "incident-source": Incident.Source.BUSINESS,
        "business-existing": "",
        "business-name": "Corner Bakery",
        "business-address": "3 Elm St",
        "business-contact_name": "Ana Ruiz",
        "business-contact_email": "ana@bakery.example",
        "business-contact_phone": "",
        "representative-name": "Ana Ruiz",
        "representative-email": "ana@bakery.example",
        "representative-phone": "",
        "representative-preferred_language": "es",
        "customer-name": "Alex Morgan",
        "customer-email": "alex@example.com",
        "customer-phone": "",
        "customer-preferred_language": "en",
        "agents-TOTAL_FORMS": "2",
        "agents-INITIAL_FORMS": "0",
        "agents-MIN_NUM_FORMS": "0",
        "agents-MAX_NUM_FORMS": "10",
        "agents-0-name": "Jamie Chen",
        "agents-0-email": "jamie@staff.example",
        "agents-0-phone": "",
        "agents-0-preferred_language": "en",
        "agents-1-name": "",
        "agents-1-email": "",
        "agents-1-phone": "",
        "agents-1-preferred_language": "en",
        "case-risk": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_caseworker_opens_a_case_and_lands_on_its_page(caseworker_client, caseworker):
    response = caseworker_client.post(INTAKE_URL, intake_post())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.reference == f"CCP-{timezone.localdate().year}-0001"
    assert case.caseworker == caseworker
    assert case.status == Case.Status.OPEN
    assert case.step == Case.Step.REFLECTION
    assert case.incident.business.name == "Corner Bakery"
    roles = sorted(case.participants.values_list("role", "name"))
    assert roles == [("agent", "Jamie Chen"), ("business", "Ana Ruiz"), ("customer", "Alex Morgan")]
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.OPENED
    assert event.actor == caseworker

    page = caseworker_client.get(case.get_absolute_url())
    assert "Alex Morgan" in page.content.decode()
    assert "Case opened for Alex Morgan" in page.content.decode()


def test_the_new_case_shows_in_the_case_list(caseworker_client):
    caseworker_client.post(INTAKE_URL, intake_post())

    page = caseworker_client.get(reverse("cases:list"))

    assert Case.objects.get().reference in page.content.decode()


def test_the_intake_page_renders_all_five_sections(caseworker_client):
    page = caseworker_client.get(INTAKE_URL).content.decode()

    for heading in ["The incident", "The business", "The customer", "who were hurt", "The case"]:
        assert heading in page


@pytest.mark.parametrize(
    ("severity", "police", "expected"),
    [
        (Incident.Severity.PHYSICAL, False, Case.Risk.HIGH),
        (Incident.Severity.THREATS, False, Case.Risk.HIGH),
        (Incident.Severity.VERBAL, True, Case.Risk.MEDIUM),
        (Incident.Severity.VERBAL, False, Case.Risk.LOW),
    ],
)
def test_risk_defaults_from_severity_and_police(caseworker_client, severity, police, expected):
    data = intake_post(**{"incident-severity": severity})
    if police:
        data["incident-police_involved"] = "on"

    caseworker_client.post(INTAKE_URL, data)

    assert Case.objects.get().risk == expected


def test_caseworker_can_raise_the_risk_by_hand(caseworker_client):
    caseworker_client.post(INTAKE_URL, intake_post(**{"case-risk": "high"}))

    assert Case.objects.get().risk == Case.Risk.HIGH


def test_a_caseworker_cannot_set_a_lower_risk_than_the_violence_means_and_loses_nothing_typed(caseworker_client):
    response = caseworker_client.post(
        INTAKE_URL, intake_post(**{"incident-severity": Incident.Severity.PHYSICAL, "case-risk": "low"})
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Only a supervisor can set a lower risk" in body
    assert "Physical violence means high risk" in body
    assert "Shouted at the cashier about a coupon." in body  # everything typed is still there
    assert not Case.objects.exists()
    assert not Incident.objects.exists()


def test_a_supervisor_may_set_a_lower_risk(supervisor_client, supervisor):
    lower = {"incident-severity": Incident.Severity.PHYSICAL, "case-risk": "medium", "case-caseworker": supervisor.pk}

    supervisor_client.post(INTAKE_URL, intake_post(**lower))

    assert Case.objects.get().risk == Case.Risk.MEDIUM


def test_choosing_an_existing_business_reuses_it(caseworker_client):
    business = BusinessFactory(name="Sunrise Coffee")

    caseworker_client.post(INTAKE_URL, intake_post(**{"business-existing": str(business.pk), "business-name": ""}))

    assert Business.objects.count() == 1
    assert Case.objects.get().incident.business == business


def test_an_open_case_for_the_same_customer_email_gives_a_warning_not_a_block(caseworker_client, caseworker):
    earlier = CaseFactory(caseworker=caseworker, customer__email="alex@example.com")

    response = caseworker_client.post(INTAKE_URL, intake_post(), follow=True)

    assert Case.objects.count() == 2
    assert f"already has an open case: {earlier.reference}" in response.content.decode()


def test_supervisor_assigns_the_new_case_to_a_caseworker(supervisor_client):
    other = CaseworkerFactory(username="jordan")

    supervisor_client.post(INTAKE_URL, intake_post(**{"case-caseworker": str(other.pk)}))

    assert Case.objects.get().caseworker == other


def test_a_caseworker_cannot_assign_a_case_to_someone_else(caseworker_client, caseworker):
    other = CaseworkerFactory(username="jordan")

    caseworker_client.post(INTAKE_URL, intake_post(**{"case-caseworker": str(other.pk)}))

    assert Case.objects.get().caseworker == caseworker


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("customer-email", "alex@@example", "Enter a valid email address."),
        ("agents-0-email", "not-an-email", "Enter a valid email address."),
        ("business-contact_email", "ana@", "Enter a valid email address."),
        ("incident-occurred_at", "2999-01-01T10:00", "The incident cannot be in the future."),
        ("incident-description", "", "This field is required."),
        ("customer-name", "", "This field is required."),
        ("business-name", "", "Choose an existing business above or enter the name of a new one."),
        ("incident-video_url", "https://video.example/1", "Tick this box if there is a link to a video"),
        ("incident-video_url", "javascript:alert(1)", "Enter a valid URL."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(caseworker_client, field, value, message):
    data = intake_post(**{field: value})

    response = caseworker_client.post(INTAKE_URL, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "The case was not opened" in page
    assert Case.objects.count() == 0
    assert Business.objects.count() == 0
    assert Incident.objects.count() == 0
    assert Participant.objects.count() == 0


def test_a_customer_without_email_or_phone_is_refused(caseworker_client):
    response = caseworker_client.post(INTAKE_URL, intake_post(**{"customer-email": "", "customer-phone": ""}))

    assert "Give an e-mail address or a phone number" in response.content.decode()
    assert Case.objects.count() == 0


def test_everything_typed_is_still_in_the_form_after_an_error(caseworker_client):
    data = intake_post(
        **{
            "customer-email": "broken@",
            "incident-description": "He threw a basket <b>hard</b>.",
            "agents-0-name": "Jamie Chen",
        }
    )

    page = caseworker_client.post(INTAKE_URL, data).content.decode()

    assert 'value="broken@"' in page
    assert "He threw a basket &lt;b&gt;hard&lt;/b&gt;." in page
    assert 'value="Jamie Chen"' in page
    assert 'value="Corner Bakery"' in page
    assert 'value="Checkout line"' in page


def test_a_failure_late_in_intake_leaves_nothing_half_saved(caseworker_client, caseworker):
    """A reference clash fails the intake after its business and incident rows were written."""
    from django.db import IntegrityError

    CaseFactory(reference=f"CCP-{timezone.localdate().year}-0001")
    businesses, incidents = Business.objects.count(), Incident.objects.count()

    with pytest.raises(IntegrityError):
        caseworker_client.post(INTAKE_URL, intake_post())

    assert Business.objects.count() == businesses
    assert Incident.objects.count() == incidents
    assert Case.objects.count() == 1


def test_agents_marked_no_contact_are_recorded(caseworker_client):
    caseworker_client.post(INTAKE_URL, intake_post(**{"agents-0-no_contact": "on"}))

    agent = Participant.objects.get(role=Participant.Role.AGENT)
    assert agent.no_contact is True


def test_one_customer_per_case_is_enforced_by_the_database(case):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(case=case, role=Participant.Role.CUSTOMER)
