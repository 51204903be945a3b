import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import filters
from cases.models import Case
from tests.factories import BusinessFactory, CaseFactory, CaseworkerFactory, IncidentFactory

LIST_URL = reverse("cases:list")


def _queries_for(client, url=LIST_URL) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_number_of_rows(supervisor_client, caseworker):
    CaseFactory(caseworker=caseworker)
    with_one = _queries_for(supervisor_client)

    CaseFactory.create_batch(49, caseworker=caseworker)
    with_fifty = _queries_for(supervisor_client, LIST_URL + "?page=1")

    assert with_one == with_fifty


def test_the_list_shows_customer_business_step_and_status(caseworker_client, caseworker):
    CaseFactory(
        caseworker=caseworker,
        customer__name="Robin Hayes",
        incident=IncidentFactory(business=BusinessFactory(name="Sunrise Coffee")),
    )

    page = caseworker_client.get(LIST_URL).content.decode()

    assert "Robin Hayes" in page
    assert "Sunrise Coffee" in page
    assert "1. Reflection" in page
    assert "Open" in page


def test_filter_by_status_step_and_risk(caseworker_client, caseworker):
    paused = CaseFactory(caseworker=caseworker, status=Case.Status.PAUSED, step=3, risk=Case.Risk.HIGH)
    other = CaseFactory(caseworker=caseworker)

    for query in ["status=paused", "step=3", "risk=high", "status=paused&step=3&risk=high"]:
        page = caseworker_client.get(f"{LIST_URL}?{query}").content.decode()
        assert paused.reference in page, query
        assert other.reference not in page, query


def test_supervisor_filters_by_caseworker(supervisor_client):
    jordan = CaseworkerFactory(username="jordan")
    theirs = CaseFactory(caseworker=jordan)
    mine = CaseFactory()

    page = supervisor_client.get(f"{LIST_URL}?caseworker={jordan.pk}").content.decode()

    assert theirs.reference in page
    assert mine.reference not in page


def test_search_by_reference_customer_or_business(caseworker_client, caseworker):
    target = CaseFactory(
        caseworker=caseworker,
        customer__name="Pat Quinn",
        incident=IncidentFactory(business=BusinessFactory(name="Lakeview Pharmacy")),
    )
    other = CaseFactory(caseworker=caseworker, customer__name="Someone Else")

    for term in [target.reference, "pat qu", "lakeview"]:
        page = caseworker_client.get(LIST_URL, {"q": term}).content.decode()
        assert target.reference in page, term
        assert other.reference not in page, term


@pytest.mark.parametrize("found_by_id", [True, False], ids=["few found: read by id", "many found: list walked"])
def test_a_search_finds_the_same_cases_however_many_match(caseworker_client, caseworker, monkeypatch, found_by_id):
    """Up to ``SEARCH_IDS`` cases found are read by id; a broader search tests each case of the list."""
    monkeypatch.setattr(filters, "SEARCH_IDS", 100 if found_by_id else 1)
    by_name = CaseFactory(caseworker=caseworker, customer__name="Morgan Lake")
    by_business = CaseFactory(
        caseworker=caseworker, incident=IncidentFactory(business=BusinessFactory(name="Lakeside Diner"))
    )
    paused = CaseFactory(caseworker=caseworker, customer__name="Ann Lake", status=Case.Status.PAUSED)
    unrelated = CaseFactory(caseworker=caseworker, customer__name="Someone Else")
    someone_elses = CaseFactory(customer__name="Lee Lake")

    page = caseworker_client.get(LIST_URL, {"q": "lake", "status": "open"}).content.decode()

    assert by_name.reference in page
    assert by_business.reference in page
    for hidden in [paused, unrelated, someone_elses]:
        assert hidden.reference not in page
    assert page.count('href="/cases/CCP-') == 2


def test_a_search_that_finds_nothing_says_so(caseworker_client, case):
    page = caseworker_client.get(LIST_URL, {"q": "no such name anywhere"}).content.decode()

    assert "No cases match." in page
    assert case.reference not in page


def test_an_unknown_filter_value_says_so_and_is_ignored(caseworker_client, case):
    page = caseworker_client.get(f"{LIST_URL}?status=sleeping").content.decode()

    assert "Some filters were not understood" in page
    assert "Select a valid choice" in page
    assert case.reference in page


def test_the_list_is_paginated(caseworker_client, caseworker, settings):
    settings.CASE_LIST_PAGE_SIZE = 10
    CaseFactory.create_batch(25, caseworker=caseworker)

    first = caseworker_client.get(LIST_URL).content.decode()
    third = caseworker_client.get(LIST_URL, {"page": 3}).content.decode()

    assert "Page 1 of 3" in first
    assert "Page 3 of 3" in third
    assert third.count('href="/cases/CCP-') == 5


def test_a_page_number_past_any_list_shows_the_last_page(caseworker_client, caseworker):
    CaseFactory(caseworker=caseworker)

    response = caseworker_client.get(reverse("cases:list"), {"page": "99999999999999999999"})

    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_caseworkers_are_chosen_by_their_names_not_their_usernames(supervisor_client):
    CaseworkerFactory(username="crivera", first_name="Casey", last_name="Rivera")

    page = supervisor_client.get(reverse("cases:list")).content.decode()

    assert ">Casey Rivera</option>" in page
    assert ">crivera</option>" not in page
