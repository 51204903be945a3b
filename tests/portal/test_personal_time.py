"""Personal time on the portal: the staff member's own yes, and both saying yes to a time through their links."""

import pytest
import time_machine
from django.urls import reverse

from cases import links
from reconciliation import services
from reconciliation.models import PersonalTime
from tests.factories import full_case
from tests.reconciliation.journey import person, soon
from tests.reconciliation.test_personal_time import at_role_swap, propose


@pytest.fixture
def case(caseworker):
    return full_case(caseworker=caseworker)


def url(case, role, page="personal_time", **kwargs) -> str:
    _link, token = links.link_issue(participant=person(case, role), by=None)
    return reverse(f"portal:{page}", kwargs={"token": token, **kwargs})


def test_the_staff_member_says_yes_to_personal_time_on_their_own_page_and_can_take_it_back(client, case, caseworker):
    at_role_swap(case, caseworker)
    page = url(case, "agent")

    body = client.get(page).content.decode()
    assert "entirely optional and separate from taking part" in body
    client.post(page, {"action": "consent", "agreed": "yes"})
    assert person(case, "agent").personal_time_consent

    body = client.get(page).content.decode()
    assert "I no longer want personal time with the customer" in body
    client.post(page, {"action": "consent", "agreed": "no"})
    assert not person(case, "agent").personal_time_consent


def test_both_say_yes_through_their_links_and_then_add_a_few_words(client, case, caseworker):
    at_role_swap(case, caseworker)
    services.personal_time_consent_record(participant=person(case, "agent"), agreed=True, by=person(case, "agent"))
    time = propose(case, caseworker)
    customer_page, agent_page = url(case, "customer"), url(case, "agent")

    home = client.get(url(case, "customer", "home")).content.decode()
    assert "Say whether the proposed personal time suits you." in home
    body = client.get(customer_page).content.decode()
    assert "Does this suit you? There is no wrong answer." in body
    assert client.post(customer_page, {"action": "agree", "time": time.pk}).status_code == 302
    assert "Say whether the proposed personal time suits you." not in client.get(
        url(case, "customer", "home")
    ).content.decode()
    client.post(agent_page, {"action": "agree", "time": time.pk})
    time.refresh_from_db()
    assert time.state == PersonalTime.State.AGREED
    ics = client.get(url(case, "agent", "personal_time_ics", time_id=time.pk))
    assert ics["Content-Type"] == "text/calendar"
    assert b"Corner caf" in ics.content

    with time_machine.travel(soon(51)):
        services.personal_time_log(time=time, minutes=80, by=caseworker)
        answer = client.post(agent_page, {"action": "words", "time": time.pk, "text": "Glad I went."})
        assert answer.status_code == 302
        assert "Glad I went." in client.get(agent_page).content.decode()
    time.refresh_from_db()
    assert time.agent_words == "Glad I went."


def test_saying_no_is_one_tap_and_asks_for_no_reason(client, case, caseworker):
    at_role_swap(case, caseworker)
    services.personal_time_consent_record(participant=person(case, "agent"), agreed=True, by=person(case, "agent"))
    time = propose(case, caseworker)

    client.post(url(case, "agent"), {"action": "decline", "time": time.pk})

    time.refresh_from_db()
    assert time.state == PersonalTime.State.DECLINED
    assert "It will not happen. That is fine." in client.get(url(case, "customer")).content.decode()


def test_each_rows_fields_have_their_own_ids(client, case, caseworker):
    at_role_swap(case, caseworker)
    services.personal_time_consent_record(participant=person(case, "agent"), agreed=True, by=person(case, "agent"))
    first, second = propose(case, caseworker), propose(case, caseworker, start=96)

    body = client.get(url(case, "customer")).content.decode()

    assert f'id="id_{first.pk}_agree_time"' in body
    assert f'id="id_{second.pk}_agree_time"' in body


def test_a_staff_member_cannot_answer_for_another_staff_members_time_nor_the_business_see_the_page(
    client, case, caseworker
):
    at_role_swap(case, caseworker)
    services.personal_time_consent_record(participant=person(case, "agent"), agreed=True, by=person(case, "agent"))
    time = propose(case, caseworker)

    assert client.get(url(case, "business")).status_code == 404
    answer = client.post(url(case, "business"), {"action": "agree", "time": time.pk})
    assert answer.status_code == 404
    time.refresh_from_db()
    assert time.customer_agreed_at is None


def test_a_no_contact_staff_member_has_no_personal_time_page(client, case, caseworker):
    at_role_swap(case, caseworker)
    services.contact_stop(participant=person(case, "agent"), by=person(case, "agent"))

    response = client.get(url(case, "agent"))

    assert response.status_code == 404
    assert "Yes, I am open to it" not in response.content.decode()


def test_the_case_page_offers_to_propose_log_and_cancel_personal_time(caseworker_client, case, caseworker):
    at_role_swap(case, caseworker)
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "Jamie Agent: has not said yes to personal time." in " ".join(page.split())

    services.personal_time_consent_record(participant=person(case, "agent"), agreed=True, by=person(case, "agent"))
    answer = caseworker_client.post(
        f"/cases/{case.reference}/act/personal-time-propose/",
        {
            "agent": person(case, "agent").pk,
            "starts_at": soon(48).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": soon(50).strftime("%Y-%m-%dT%H:%M"),
            "activity": "A walk in the park",
            "location": "Riverside park",
        },
    )
    assert answer.status_code == 302
    time = PersonalTime.objects.get(case=case)
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "A walk in the park" in page
    assert "Cancel this personal time" in page

    answer = caseworker_client.post(
        f"/cases/{case.reference}/act/personal-time-cancel/", {"time": time.pk, "reason": "Rain all week."}
    )
    assert answer.status_code == 302
    time.refresh_from_db()
    assert time.state == PersonalTime.State.CANCELLED
