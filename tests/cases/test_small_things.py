"""The small things a person notices on the case page and the portal (point 8 of issue 24)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import links
from cases.models import Participant
from reconciliation import services
from reconciliation.models import CheckIn
from tests.factories import full_case
from tests.reconciliation.journey import PLAN, person, propose_shift, walk_to_plan, walk_to_role_swap


@pytest.fixture
def case(caseworker):
    """An open case at step 1 with a customer, a business representative and a consenting agent."""
    return full_case(caseworker=caseworker)


def portal(case, role, page="home") -> str:
    _link, token = links.link_issue(participant=person(case, role), by=None)
    return reverse(f"portal:{page}", kwargs={"token": token})


def test_the_step_panels_lead_the_case_page_and_the_fill_in_form_folds_away(caseworker_client, case):
    page = caseworker_client.get(case.get_absolute_url()).content.decode()

    assert page.index('id="h-step-1"') < page.index('id="h-incident"')
    assert page.index('id="h-step-5"') < page.index('id="h-participants"')
    fill_in = page.index("Fill in for the customer")
    assert page.rfind("<details", 0, fill_in) > page.rfind("</details>", 0, fill_in)
    assert '<details class="mb-2" open>' not in page[fill_in - 200 : fill_in]
    assert "e-mail them one from" in page


def test_steps_already_done_fold_away_and_the_current_step_is_open(caseworker_client, case, caseworker):
    walk_to_role_swap(case, caseworker)

    page = caseworker_client.get(case.get_absolute_url()).content.decode()

    step1 = page[page.index('id="h-step-1"') : page.index('id="h-step-2"')]
    step3 = page[page.index('id="h-step-3"') : page.index('id="h-step-4"')]
    assert "What was done" in step1
    assert "step-fold" not in step3


def test_a_business_that_agrees_to_the_plan_no_longer_reads_not_asked_yet(case, caseworker):
    walk_to_plan(case, caseworker)
    plan = services.plan_create_version(case=case, by=caseworker, **PLAN)

    services.plan_signoff(plan=plan, participant=person(case, "business"), decision="agreed", by=caseworker)

    assert person(case, "business").consent == Participant.Consent.GIVEN


def test_the_customer_row_shows_no_consent_they_were_never_asked_for(caseworker_client, case):
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    customer = page[page.index(person(case, "customer").name) :]

    assert "Consent:" not in customer[: customer.index("</li>")]


def test_check_ins_ahead_read_upcoming_not_due(case):
    today = timezone.localdate()
    rows = [
        CheckIn(case=case, days_after=days, due_on=today + timedelta(days=offset))
        for days, offset in ((30, -1), (90, 0), (180, 60))
    ]

    assert [row.timing for row in rows] == ["Overdue", "Due today", "Upcoming"]


def test_issuing_a_link_shows_all_of_it_with_a_copy_button(caseworker_client, case):
    url = reverse("cases:participant_link", args=[case.reference, person(case, "customer").pk, "issue"])

    page = caseworker_client.post(url).content.decode()

    assert '<textarea class="form-control font-monospace small issued-link" id="issued-link"' in page
    assert 'data-copy="issued-link"' in page
    assert "js/copy.js" in page


def test_the_portal_says_hours_and_dates_as_people_write_them(client, case, caseworker):
    walk_to_plan(case, caseworker)
    services.plan_create_version(case=case, by=caseworker, **{**PLAN, "role_swap_hours": Decimal("8")})
    customer = person(case, "customer")
    customer.preferred_language = "es"
    customer.save()

    page = client.get(portal(case, "customer", "plan")).content.decode()

    assert "<dd>8</dd>" in page
    assert "8.0" not in page


def test_the_business_sees_its_own_proposed_shift_as_waiting_for_its_answer(client, case, caseworker):
    walk_to_role_swap(case, caseworker)
    propose_shift(case, caseworker, start=72)

    page = client.get(portal(case, "business", "shifts")).content.decode()

    assert "Waiting for your answer." in page
    assert "waiting for the business" not in page
