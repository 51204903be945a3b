"""Every portal page says where the person stands and what comes next, in their role and the case's
state, in their words: never the caseworker's labels."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import links
from cases.models import Case, Participant
from reconciliation.models import RoleSwapShift
from tests.factories import full_case
from tests.reconciliation.journey import walk_to_role_swap

# Labels meant for the case page, which a participant must never read.
STAFF_LABELS = [
    "Not asked yet",
    "Agreed to take part",
    "Proposed, waiting for the business",
    "Declined by the business",
    "No-show",
    "counter_proposed",
    "Business representative",
    "Agent (staff member)",
]


@pytest.fixture
def case(caseworker):
    case = full_case(caseworker=caseworker)
    walk_to_role_swap(case, caseworker)
    start = timezone.now() + timedelta(days=2)
    for state in RoleSwapShift.State.values:
        RoleSwapShift.objects.create(
            case=case,
            business=case.incident.business,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            role="Cashier",
            location="Front",
            supervisor_on_site="Dana",
            state=state,
        )
        start += timedelta(days=1)
    return case


def page(client, case, role, name="home") -> str:
    _link, token = links.link_issue(participant=case.participants.get(role=role), by=None)
    response = client.get(reverse(f"portal:{name}", kwargs={"token": token}))
    assert response.status_code == 200, (role, name)
    return " ".join(response.content.decode().split())


EXPECTED = {
    # (case status, role): what the person reads under "Where things stand"
    ("open", "customer"): "Step 3 of 5: you work a few shifts in the staff member's role.",
    ("open", "business"): "Step 3 of 5: the customer works a few shifts at your business",
    ("open", "agent"): "You do not have to be there.",
    ("paused", "customer"): "The program is paused for now.",
    ("completed", "customer"): "You have completed the program.",
    ("completed", "agent"): "The program is complete. Thank you for your part in it.",
}


@pytest.mark.parametrize(("status", "role"), list(EXPECTED))
def test_each_page_says_where_the_person_stands_in_their_role_and_the_cases_state(client, case, status, role):
    Case.objects.filter(pk=case.pk).update(status=status)
    pages = {
        "customer": ["home", "plan", "shifts"],
        "business": ["home", "shifts", "consent"],
        "agent": ["home", "consent"],
    }

    for name in pages[role]:
        body = page(client, case, role, name)
        assert "Where things stand" in body, name
        assert EXPECTED[status, role] in body, name
        for label in STAFF_LABELS:
            assert label not in body, (name, label)


def test_a_completed_customer_is_not_told_what_they_will_do_next_weeks(client, case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED)

    body = page(client, case, "customer")

    assert "you will reflect" not in body
    assert "You have completed the program" in body


def test_each_shift_reads_in_the_words_of_its_reader(client, case):
    customer, business = page(client, case, "customer", "shifts"), page(client, case, "business", "shifts")

    assert "Proposed: waiting for the business to confirm." in customer
    assert "Waiting for your answer." in business
    assert "The business could not host this shift. Your caseworker will find another." in customer
    assert "You said this shift cannot go ahead." in business
    assert "You worked this shift. Thank you." in customer
    assert "Worked. Thank you for hosting it." in business


def test_each_roles_consent_page_says_what_it_will_and_will_not_be_asked(client, case):
    Participant.objects.filter(case=case).update(consent=Participant.Consent.PENDING)
    business, agent = page(client, case, "business", "consent"), page(client, case, "agent", "consent")

    assert "to host a few shifts" in business
    assert "whether you go is up to you" in business
    assert "never have to meet" not in business
    assert "You will not be asked to work with the customer, and you never have to meet or speak to them." in agent
    assert "only if you want it, you can later say yes to some personal time" in agent


@pytest.mark.parametrize("status", [Case.Status.WITHDRAWN, Case.Status.CLOSED])
def test_an_old_link_of_an_ended_case_says_the_program_ended_in_the_persons_language(client, case, status):
    agent = case.participants.get(role="agent")
    Participant.objects.filter(pk=agent.pk).update(preferred_language="es")
    _link, token = links.link_issue(participant=agent, by=None)
    Case.objects.filter(pk=case.pk).update(status=status)

    for name in ("home", "consent", "meeting"):
        response = client.get(reverse(f"portal:{name}", kwargs={"token": token}))
        body = response.content.decode()
        assert response.status_code == 410
        assert "El programa ha terminado para este caso." in body
        assert case.reference not in body
        assert "Jamie" not in body
