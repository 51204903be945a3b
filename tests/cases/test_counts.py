"""Counts that stay cheap however many cases the years bring: capped counts and the case list's pages."""

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import counts
from cases.counts import AtLeast, capped_counts
from cases.models import Case
from tests.factories import CaseFactory

LIST_URL = reverse("cases:list")


def test_several_counts_come_in_one_query_each_stopping_at_its_cap(caseworker):
    CaseFactory.create_batch(5, caseworker=caseworker)

    with CaptureQueriesContext(connection) as queries:
        figures = capped_counts(
            {
                "all": Case.objects.all(),
                "open": Case.objects.filter(status="open"),
                "closed": Case.objects.filter(status="closed"),
            },
            caps={"all": 3, "open": None},
        )

    assert len(queries) == 1
    assert isinstance(figures["all"], AtLeast)
    assert str(figures["all"]) == "3+"
    assert (figures["open"], figures["closed"]) == (5, 0)
    assert not isinstance(figures["open"], AtLeast)


def test_a_capped_count_shows_as_at_least_the_cap_in_a_page():
    assert Template("{{ n }} case{{ n|pluralize }}").render(Context({"n": AtLeast(1001)})) == "1,000+ cases"


def test_past_its_cap_the_case_list_says_more_than_instead_of_counting_on(
    caseworker_client, caseworker, settings, monkeypatch
):
    settings.CASE_LIST_PAGE_SIZE = 2
    monkeypatch.setattr(counts, "CAP", 4)
    CaseFactory.create_batch(7, caseworker=caseworker)

    first = caseworker_client.get(LIST_URL).content.decode()
    fourth = caseworker_client.get(LIST_URL, {"page": 4}).content.decode()

    assert "Page 1 of more than 2" in first
    assert "Page 4 of 4" in fourth  # asking for a later page counts that far
    assert fourth.count('href="/cases/CCP-') == 1


def _search_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST_URL, {"q": "pat quinn", "status": "open"})
    assert page.status_code == 200
    return len(queries)


def test_the_search_query_count_does_not_grow_with_the_cases_found(caseworker_client, caseworker):
    CaseFactory(caseworker=caseworker, customer__name="Pat Quinn")
    with_one = _search_queries(caseworker_client)

    CaseFactory.create_batch(50, caseworker=caseworker, customer__name="Pat Quinn")
    with_fifty = _search_queries(caseworker_client)

    assert with_one == with_fifty


def test_the_dashboard_counts_what_piles_up_over_the_years_only_up_to_the_cap(
    supervisor_client, caseworker, monkeypatch
):
    monkeypatch.setattr(counts, "CAP", 2)
    CaseFactory.create_batch(4, caseworker=caseworker, status=Case.Status.COMPLETED, step=Case.Step.COMMITMENTS)
    CaseFactory.create_batch(3, caseworker=caseworker)

    response = supervisor_client.get(reverse("reporting:dashboard"))

    statuses = {status["label"]: str(status["count"]) for status in response.context["statuses"]}
    assert statuses["Completed"] == "2+"
    assert response.context["steps"][0]["count"] == 3  # open cases are counted exactly
    assert "Completed: 2+" in response.content.decode()
