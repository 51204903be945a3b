"""Triage: supervisors turn a referral into a case, mark it a duplicate, or decline it."""

import pytest
from django import forms as django_forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseEvent, Incident, Participant
from cases.services import WorkflowError
from referrals import services
from referrals.models import Referral
from tests.factories import (
    BusinessFactory,
    CaseFactory,
    CaseworkerFactory,
    IncidentFactory,
    ReferralFactory,
    SupervisorFactory,
    UserFactory,
)

from .test_public_form import REFER_URL, referral_post

TRIAGE_URL = reverse("referrals:triage")
INTAKE_SECTIONS = ("incident", "business", "representative", "customer", "assignment")


def url(name: str, referral: Referral) -> str:
    return reverse(f"referrals:{name}", args=[referral.pk])


def submitted_as_shown(response, **changes) -> dict:
    """What a browser sends back when the pre-filled intake page is submitted, with some fields changed."""
    data = {}
    agents = response.context["agents"]
    for form in [*(response.context[name] for name in INTAKE_SECTIONS), *agents]:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, django_forms.CheckboxInput):
                if value:
                    data[field.html_name] = "on"
                continue
            shown = field.field.widget.format_value(value)
            data[field.html_name] = (shown[0] if shown else "") if isinstance(shown, list) else (shown or "")
    for field in agents.management_form:
        data[field.html_name] = field.value()
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# ---------------------------------------------------------------- who may see triage


def test_a_referral_submitted_anonymously_appears_in_triage(client, supervisor):
    client.post(REFER_URL, referral_post(name="Taylor Brooks", business_name="Sunrise Coffee"))
    client.force_login(supervisor)

    page = client.get(TRIAGE_URL).content.decode()

    assert "Taylor Brooks" in page
    assert "Sunrise Coffee" in page
    assert "0\xa0minutes ago" in page


def test_supervisors_find_triage_in_the_navigation(supervisor_client):
    assert TRIAGE_URL in supervisor_client.get(reverse("cases:list")).content.decode()


def test_caseworkers_do_not_see_referrals_in_the_navigation(caseworker_client):
    assert TRIAGE_URL not in caseworker_client.get(reverse("cases:list")).content.decode()


@pytest.mark.parametrize("name", ["detail", "accept"])
def test_a_caseworker_gets_404_for_triage_pages(caseworker_client, name):
    referral = ReferralFactory(name="Robin Secret")

    response = caseworker_client.get(url(name, referral))

    assert response.status_code == 404
    assert "Robin Secret" not in response.content.decode()
    assert caseworker_client.get(TRIAGE_URL).status_code == 404


@pytest.mark.parametrize("name", ["duplicate", "decline"])
def test_a_caseworker_cannot_decide_a_referral(caseworker_client, case, name):
    referral = ReferralFactory()

    response = caseworker_client.post(url(name, referral), {"case": case.reference, "reason": "no"})

    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.state == Referral.State.NEW


def test_an_account_without_a_staff_role_gets_404(client, db):
    client.force_login(UserFactory(username="volunteer"))

    assert client.get(TRIAGE_URL).status_code == 404
    assert client.get(url("detail", ReferralFactory())).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    referral = ReferralFactory()

    for target in [TRIAGE_URL, url("detail", referral), url("accept", referral)]:
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- the list


def test_the_list_shows_new_referrals_oldest_first_with_their_age(supervisor_client, time_machine):
    time_machine.move_to("2026-03-02 09:00 -05:00", tick=False)
    ReferralFactory(name="Waiting Since Monday")
    time_machine.shift(24 * 60 * 60)
    ReferralFactory(name="Just Arrived")
    ReferralFactory(name="Already Handled", state=Referral.State.DECLINED, decided_at="2026-03-02T10:00Z")
    time_machine.shift(3 * 60 * 60)

    page = supervisor_client.get(TRIAGE_URL).content.decode()

    assert page.index("Waiting Since Monday") < page.index("Just Arrived")
    assert "1\xa0day, 3\xa0hours ago" in page
    assert "3\xa0hours ago" in page
    assert "Already Handled" not in page


def test_decided_referrals_are_listed_with_who_decided(supervisor_client, supervisor, case):
    services.referral_mark_duplicate(referral=ReferralFactory(name="Second Writer"), case=case, by=supervisor)

    page = supervisor_client.get(TRIAGE_URL, {"state": "duplicate"}).content.decode()

    assert "Second Writer" in page
    assert f"Duplicate by {supervisor.get_full_name() or supervisor.username}" in page
    assert case.reference in page


def _queries_for(client, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TRIAGE_URL, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("state", ["new", "accepted"])
def test_the_query_count_does_not_grow_with_the_number_of_rows(supervisor_client, supervisor, state):
    def make(count: int) -> None:
        for _ in range(count):
            if state == "new":
                ReferralFactory()
            else:
                ReferralFactory(
                    state=state, case=CaseFactory(), decided_by=SupervisorFactory(), decided_at="2026-01-01T10:00Z"
                )

    make(1)
    with_one = _queries_for(supervisor_client, {"state": state})
    make(49)
    with_fifty = _queries_for(supervisor_client, {"state": state, "page": 1})

    assert with_one == with_fifty


def test_what_a_person_typed_is_escaped_in_triage(supervisor_client):
    referral = ReferralFactory(name="<script>alert(1)</script>", story="<img src=x onerror=alert(2)>")

    for target in [TRIAGE_URL, url("detail", referral), url("accept", referral)]:
        page = supervisor_client.get(target).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- accept


def test_accepting_opens_the_intake_form_filled_from_the_referral(supervisor_client):
    referral = ReferralFactory(
        writer=Referral.Writer.CUSTOMER,
        name="Taylor Brooks",
        email="taylor@example.com",
        phone="555-123-4567",
        language="es",
        business_name="Sunrise Coffee",
        location="Main St",
        story="I yelled at the barista.",
        police=Referral.Police.YES,
        video_url="https://video.example/clip",
    )

    response = supervisor_client.get(url("accept", referral))

    page = response.content.decode()
    assert "Accept referral" in page
    assert 'name="customer-name" value="Taylor Brooks"' in page
    assert 'name="customer-email" value="taylor@example.com"' in page
    assert 'name="business-name" value="Sunrise Coffee"' in page
    assert 'name="incident-location" value="Main St"' in page
    assert "I yelled at the barista.</textarea>" in page
    assert 'name="incident-video_url" value="https://video.example/clip"' in page
    form = response.context
    assert form["customer"]["preferred_language"].value() == "es"
    assert form["incident"]["police_involved"].value() is True
    assert form["incident"]["source"].value() == Incident.Source.SELF


def test_accepting_opens_a_case_with_the_referrals_details_and_links_it(supervisor_client, supervisor):
    casey = CaseworkerFactory(username="casey")
    referral = ReferralFactory(name="Taylor Brooks", email="taylor@example.com", business_name="Sunrise Coffee")
    shown = supervisor_client.get(url("accept", referral))

    response = supervisor_client.post(
        url("accept", referral),
        submitted_as_shown(shown, **{"incident-severity": "verbal", "case-caseworker": str(casey.pk)}),
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.caseworker == casey
    assert case.incident.business.name == "Sunrise Coffee"
    assert case.incident.description == referral.story
    assert case.incident.source == Incident.Source.SELF
    customer = case.participants.get(role=Participant.Role.CUSTOMER)
    assert (customer.name, customer.email) == ("Taylor Brooks", "taylor@example.com")
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    assert referral.case == case
    assert referral.decided_by == supervisor
    assert referral.decided_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.NOTE, message__startswith=f"Opened from referral {referral.pk}")
    page = supervisor_client.get(case.get_absolute_url()).content.decode()
    assert f"Opened from referral {referral.pk}" in page


def test_a_staff_member_who_writes_becomes_the_first_staff_member_of_the_case(supervisor_client):
    referral = ReferralFactory(writer=Referral.Writer.STAFF, name="Lucía Fernández", business_name="Metro Burger")
    shown = supervisor_client.get(url("accept", referral))

    supervisor_client.post(
        url("accept", referral),
        submitted_as_shown(
            shown,
            **{
                "incident-severity": "threats",
                "customer-name": "Unknown customer",
                "customer-phone": "(212) 555-0111",
                "customer-channel": "sms",
                "case-caseworker": str(CaseworkerFactory().pk),
            },
        ),
    )

    case = Case.objects.get()
    agent = case.participants.get(role=Participant.Role.AGENT)
    assert agent.name == "Lucía Fernández"
    assert case.incident.source == Incident.Source.STAFF


def test_a_referral_about_a_known_business_chooses_it(supervisor_client):
    business = BusinessFactory(name="City Hardware")
    referral = ReferralFactory(writer=Referral.Writer.BUSINESS, business_name="city hardware")

    form = supervisor_client.get(url("accept", referral)).context

    assert form["business"]["existing"].value() == business.pk
    assert form["representative"]["name"].value() == referral.name


def test_an_incomplete_intake_keeps_the_referral_new_and_the_values_typed(supervisor_client):
    referral = ReferralFactory(name="Taylor Brooks")
    shown = supervisor_client.get(url("accept", referral))

    response = supervisor_client.post(url("accept", referral), submitted_as_shown(shown, **{"incident-severity": ""}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The case was not opened" in page
    assert 'value="Taylor Brooks"' in page
    assert Case.objects.count() == 0
    referral.refresh_from_db()
    assert referral.state == Referral.State.NEW


def test_a_failing_case_open_leaves_the_referral_new(supervisor, caseworker):
    referral = ReferralFactory()
    from cases.services import IntakeDetails, PersonDetails

    intake = IntakeDetails(
        incident={}, customer=PersonDetails(name="X"), caseworker=UserFactory(username="not-staff"), business=None
    )

    with pytest.raises(WorkflowError, match="Cases can only be assigned to a caseworker"):
        services.referral_accept(referral=referral, intake=intake, by=supervisor)

    referral.refresh_from_db()
    assert referral.state == Referral.State.NEW
    assert referral.case is None


def test_an_accepted_referral_cannot_be_accepted_again(supervisor_client, supervisor, case):
    referral = ReferralFactory(
        state=Referral.State.ACCEPTED, case=case, decided_by=supervisor, decided_at=case.opened_at
    )

    response = supervisor_client.get(url("accept", referral), follow=True)

    assert "already marked accepted" in response.content.decode()
    assert Case.objects.count() == 1


# ---------------------------------------------------------------- duplicate


def test_marking_a_duplicate_links_the_existing_case_and_notes_it_on_its_timeline(supervisor_client, supervisor):
    case = CaseFactory(incident=IncidentFactory(business=BusinessFactory(name="Sunrise Coffee")))
    referral = ReferralFactory(name="Second Witness", business_name="Sunrise Coffee")

    response = supervisor_client.post(url("duplicate", referral), {"case": case.reference, "note": "Same video."})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.DUPLICATE
    assert referral.case == case
    assert referral.decided_by == supervisor
    assert referral.decision_note == "Same video."
    event = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert "Second Witness" in event.message
    assert "Same video." in event.message
    assert Case.objects.count() == 1


def test_the_detail_page_suggests_cases_about_the_same_business(supervisor_client):
    case = CaseFactory(incident=IncidentFactory(business=BusinessFactory(name="Sunrise Coffee")))
    other = CaseFactory(incident=IncidentFactory(business=BusinessFactory(name="Metro Burger")))
    referral = ReferralFactory(business_name="sunrise coffee")

    page = supervisor_client.get(url("detail", referral)).content.decode()

    assert f"Duplicate of {case.reference}" in page
    assert f"Duplicate of {other.reference}" not in page


def test_a_duplicate_of_an_unknown_reference_is_refused_and_changes_nothing(supervisor_client):
    referral = ReferralFactory()

    response = supervisor_client.post(url("duplicate", referral), {"case": "CCP-1999-9999"})

    assert response.status_code == 400
    assert "No case has the reference “CCP-1999-9999”." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == Referral.State.NEW


# ---------------------------------------------------------------- decline


def test_declining_with_a_kind_reply_records_the_reason_and_emails_the_person(
    supervisor_client, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    referral = ReferralFactory(name="Taylor Brooks", email="taylor@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(
            url("decline", referral),
            {"reason": "Outside our area.", "send_reply": "on", "reply_message": "A local group can help: call 211."},
        )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED
    assert referral.decision_note == "Outside our area."
    assert referral.decided_by == supervisor
    assert referral.reply_sent_at is not None
    (message,) = mailoutbox
    assert message.to == ["taylor@example.com"]
    assert "not able to take this on" in message.body
    assert "A local group can help: call 211." in message.body
    assert "Outside our area." not in message.body


def test_the_reply_is_in_the_persons_language(supervisor, mailoutbox, django_capture_on_commit_callbacks):
    referral = ReferralFactory(name="Lucía", language="es")

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(referral=referral, by=supervisor, reason="Fuera de zona", send_reply=True)

    (message,) = mailoutbox
    assert "Hola, Lucía" in message.body
    assert "no pueda hacerse cargo" in message.body


def test_declining_without_a_reply_sends_nothing(supervisor_client, mailoutbox, django_capture_on_commit_callbacks):
    referral = ReferralFactory()

    with django_capture_on_commit_callbacks(execute=True):
        supervisor_client.post(url("decline", referral), {"reason": "Not a customer-service incident."})

    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED
    assert mailoutbox == []


def test_declining_without_a_reason_is_refused_and_changes_nothing(supervisor_client):
    referral = ReferralFactory()

    response = supervisor_client.post(url("decline", referral), {"reason": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == Referral.State.NEW


def test_a_reply_cannot_be_sent_to_someone_who_left_no_email(supervisor_client):
    referral = ReferralFactory(email="", phone="555-123-4567", contact_by=Referral.ContactBy.PHONE)

    response = supervisor_client.post(url("decline", referral), {"reason": "No.", "send_reply": "on"})

    assert response.status_code == 400
    assert "left no e-mail address" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == Referral.State.NEW


# ---------------------------------------------------------------- rules


@pytest.mark.parametrize("first", ["accepted", "duplicate", "declined"])
@pytest.mark.parametrize("then", ["duplicate", "decline"])
def test_a_decided_referral_cannot_be_decided_again(supervisor_client, supervisor, case, first, then):
    referral = ReferralFactory(
        state=first,
        case=None if first == "declined" else case,
        decided_by=supervisor,
        decided_at=case.opened_at,
        decision_note="first decision",
    )

    response = supervisor_client.post(url(then, referral), {"case": case.reference, "reason": "again"}, follow=True)

    assert f"This referral was already marked {first}" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == first
    assert referral.decision_note == "first decision"
    assert not case.events.filter(kind=CaseEvent.Kind.NOTE).exists()


def test_only_a_supervisor_can_triage(caseworker, case):
    referral = ReferralFactory()

    with pytest.raises(WorkflowError, match="Only a supervisor can triage referrals."):
        services.referral_mark_duplicate(referral=referral, case=case, by=caseworker)
    with pytest.raises(WorkflowError, match="Only a supervisor can triage referrals."):
        services.referral_decline(referral=referral, by=caseworker, reason="no")

    referral.refresh_from_db()
    assert referral.state == Referral.State.NEW


def test_the_database_refuses_a_decision_without_who_and_when(db, case):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(state=Referral.State.ACCEPTED, case=case)


def test_the_database_refuses_a_referral_with_no_way_to_reach_the_person(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(email="", phone="")


def test_a_case_matched_through_two_of_its_people_is_suggested_once_with_its_caseworkers_name(supervisor_client):
    caseworker = CaseworkerFactory(username="crivera", first_name="Casey", last_name="Rivera")
    case = CaseFactory(incident=IncidentFactory(business=BusinessFactory(name="Sunrise Coffee")), caseworker=caseworker)
    case.participants.update(email="same@example.com")
    for name in ("Jamie Chen", "Sam Lee"):
        case.participants.create(role=Participant.Role.AGENT, name=name, email="same@example.com")
    referral = ReferralFactory(business_name="Sunrise Coffee", email="same@example.com")

    page = supervisor_client.get(url("detail", referral)).content.decode()

    assert page.count(f"Duplicate of {case.reference}") == 1
    assert "Casey Rivera" in page
