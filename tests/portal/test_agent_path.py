"""The staff member who was hurt (the agent): a plain way out on every page and in every message,
that takes effect at once and presses nobody."""

import pytest
from django.core import mail
from django.urls import reverse

from cases import links
from cases.models import CaseEvent, Participant
from notifications.models import Reminder
from reconciliation import services
from tests.factories import full_case
from tests.notifications.reminder_helpers import dispatch_at, later
from tests.reconciliation.journey import PLAN, walk_to_plan

Kind = Reminder.Kind


@pytest.fixture
def case(caseworker):
    return full_case(caseworker=caseworker)


def agent(case) -> Participant:
    return case.participants.get(role="agent")


def portal(case, page="home", role="agent") -> str:
    _link, token = links.link_issue(participant=case.participants.get(role=role), by=None)
    return reverse(f"portal:{page}", kwargs={"token": token})


def with_plan(case, caseworker):
    walk_to_plan(case, caseworker)
    return services.plan_create_version(case=case, by=caseworker, **PLAN)


def test_every_agent_page_offers_both_ways_out(client, case):
    for page in ("home", "consent"):
        body = client.get(portal(case, page)).content.decode()
        assert "want to be contacted" in body, page
        assert "talk to someone first" in body, page


def test_the_customer_and_the_business_are_not_offered_the_agents_way_out(client, case):
    for role in ("customer", "business"):
        assert "want to be contacted" not in client.get(portal(case, role=role)).content.decode()


def test_opening_the_stop_page_changes_nothing(client, case):
    response = client.get(portal(case, "stop"))

    assert response.status_code == 200
    assert "Yes, please do not contact me" in response.content.decode()
    assert agent(case).contact_stopped_at is None


def test_dont_contact_me_takes_effect_at_once(client, case, caseworker):
    with_plan(case, caseworker)
    assert Reminder.objects.filter(participant=agent(case), state=Reminder.State.SCHEDULED).exists()

    response = client.post(portal(case, "stop"), follow=True)

    body = response.content.decode()
    assert "We will not contact you again" in body
    assert "You asked us not to contact you" in body
    assert "We will write to you" not in body
    person = agent(case)
    assert person.contact_stopped_at is not None
    assert person.no_contact
    assert not Reminder.objects.filter(participant=person, state=Reminder.State.SCHEDULED).exists()
    assert case.events.filter(kind=CaseEvent.Kind.CONSENT, to_value="contact_stopped").count() == 1


def test_asking_twice_not_to_be_contacted_is_harmless(client, case):
    page = portal(case, "stop")
    client.post(page)
    first = agent(case).contact_stopped_at

    response = client.post(page, follow=True)

    assert response.status_code == 200
    assert agent(case).contact_stopped_at == first
    assert case.events.filter(to_value="contact_stopped").count() == 1


def test_a_no_contact_agent_is_not_waited_for_on_the_plan(client, case, caseworker):
    plan = with_plan(case, caseworker)
    client.post(portal(case, "stop"))
    for role in ("customer", "business"):
        services.plan_signoff(plan=plan, participant=case.participants.get(role=role), decision="agreed", by=caseworker)

    case.refresh_from_db()
    assert case.step == case.Step.ROLE_SWAP


def test_withdrawing_sends_nothing_more(client, case, caseworker):
    with_plan(case, caseworker)
    services.consent_record(participant=agent(case), consent="withdrawn", by=agent(case))
    mail.outbox.clear()

    dispatch_at(later(10))

    assert not [m for m in mail.outbox if agent(case).email in m.to[0]]


def test_id_like_to_talk_first_asks_the_caseworker_to_call_and_holds_every_message(client, case, caseworker):
    with_plan(case, caseworker)

    response = client.post(portal(case, "talk"), follow=True)

    assert "Your caseworker will call you" in response.content.decode()
    person = agent(case)
    assert person.call_requested_at is not None
    assert not Reminder.objects.filter(participant=person, state=Reminder.State.SCHEDULED).exists()
    mail.outbox.clear()
    dispatch_at(later(4))
    assert not [m for m in mail.outbox if person.email in m.to[0]]

    # The caseworker sees it on the case page and the dashboard, and records the call.
    client.force_login(caseworker)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Would like to talk to someone first" in page
    dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    assert "asked for a call or for no contact" in dashboard
    listed = client.get(reverse("cases:list") + "?asked=true").content.decode()
    assert case.reference in listed
    client.post(reverse("reconciliation:act", args=[case.reference, "called"]), {"participant": person.pk, "note": ""})
    person.refresh_from_db()
    assert person.call_requested_at is None
    services.plan_create_version(case=case, by=caseworker, **{**PLAN, "goals_empathy": "After the call."})
    assert Reminder.objects.filter(participant=person, state=Reminder.State.SCHEDULED).exists()


def test_recording_a_call_nobody_asked_for_is_refused(client, case, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("reconciliation:act", args=[case.reference, "called"]), {"participant": agent(case).pk}
    )
    assert response.status_code == 400


def test_every_message_to_an_agent_carries_both_ways_out_and_presses_nobody(case, caseworker):
    with_plan(case, caseworker)
    mail.outbox.clear()

    dispatch_at(later(4))

    to_agent = [m for m in mail.outbox if agent(case).email in m.to[0]]
    assert to_agent
    for message in to_agent:
        assert "/stop/" in message.body
        assert "/talk/" in message.body
        assert "nothing moves on" not in message.body
        assert "do your part" not in message.body
    to_customer = [m for m in mail.outbox if m.to and "/stop/" in m.body and agent(case).email not in m.to[0]]
    assert to_customer == []


def test_a_caseworker_cannot_email_a_link_to_someone_who_asked_not_to_be_contacted(client, case, caseworker):
    client.post(portal(case, "stop"))
    client.force_login(caseworker)
    mail.outbox.clear()

    response = client.post(reverse("notifications:link_email", args=[case.reference, agent(case).pk]), follow=True)

    assert "asked not to be contacted" in response.content.decode()
    dispatch_at(later(0.01))
    assert mail.outbox == []


def test_a_withdrawn_agents_old_meeting_link_opens_a_kind_page_in_their_language(client, case):
    Participant.objects.filter(pk=agent(case).pk).update(consent="withdrawn", preferred_language="es")

    response = client.get(portal(case, "meeting"))

    assert response.status_code == 404
    body = response.content.decode()
    assert "Aquí no hay nada que mostrar" in body
    assert "Ir a tu página" in body
    assert reverse("login") not in body


def test_the_business_reads_what_it_will_and_will_not_be_asked(client, case):
    body = client.get(portal(case, "consent", role="business")).content.decode()
    assert "you never have to meet or speak to" not in body
    assert "host a few shifts" in body
    assert "Not asked yet" not in body
