"""The API's cases: scoped like the pages (404 for a case you may not see), filtered, by cursor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from tests.factories import CaseEventFactory, CaseFactory, full_case

pytestmark = pytest.mark.django_db


def test_a_caseworker_lists_only_their_cases(caseworker_api, caseworker, outsider_caseworker):
    mine = CaseFactory(caseworker=caseworker)
    CaseFactory(caseworker=outsider_caseworker)

    body = caseworker_api.get(reverse("api:cases")).json()

    assert [row["reference"] for row in body["results"]] == [mine.reference]
    assert body["results"][0]["customer"]
    assert body["results"][0]["step_label"] == "Reflection"


def test_a_supervisor_lists_every_case(supervisor_api, caseworker, outsider_caseworker):
    CaseFactory(caseworker=caseworker)
    CaseFactory(caseworker=outsider_caseworker)

    assert len(supervisor_api.get(reverse("api:cases")).json()["results"]) == 2


def test_the_list_takes_the_case_lists_filters(caseworker_api, caseworker):
    paused = CaseFactory(caseworker=caseworker, status=Case.Status.PAUSED)
    CaseFactory(caseworker=caseworker)

    body = caseworker_api.get(reverse("api:cases"), {"status": "paused"}).json()

    assert [row["reference"] for row in body["results"]] == [paused.reference]
    found = caseworker_api.get(reverse("api:cases"), {"q": paused.reference}).json()["results"]
    assert [row["reference"] for row in found] == [paused.reference]


def test_a_filter_it_does_not_understand_is_a_field_error(caseworker_api, caseworker):
    response = caseworker_api.get(reverse("api:cases"), {"status": "lost", "step": "9"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "step"}


def test_the_list_goes_page_by_page_with_a_cursor(caseworker_api, caseworker):
    cases = [CaseFactory(caseworker=caseworker) for _ in range(5)]

    first = caseworker_api.get(reverse("api:cases"), {"page_size": 3}).json()
    second = caseworker_api.get(first["next"]).json()

    seen = [row["reference"] for row in first["results"] + second["results"]]
    assert sorted(seen) == sorted(case.reference for case in cases)
    assert second["next"] is None


def test_a_cursor_that_is_not_one_is_a_404(caseworker_api):
    assert caseworker_api.get(reverse("api:cases"), {"cursor": "\x00nonsense"}).status_code == 404


def _queries(client, url, **params) -> int:
    client.get(url)  # the token's first use of the minute writes when it was used: not the list's cost
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_list_asks_the_same_number_of_queries_for_1_and_50_rows(supervisor_api, caseworker):
    full_case(caseworker=caseworker)
    one = _queries(supervisor_api, reverse("api:cases"))
    for _ in range(49):
        full_case(caseworker=caseworker)

    assert _queries(supervisor_api, reverse("api:cases"), page_size=50) == one


def test_a_case_shows_its_people_the_current_step_and_what_is_missing(caseworker_api, caseworker):
    case = full_case(caseworker=caseworker)

    body = caseworker_api.get(reverse("api:case", args=[case.reference])).json()

    assert body["case"]["reference"] == case.reference
    assert {person["role"] for person in body["participants"]} == {"customer", "business", "agent"}
    assert body["current_step"]["step"] == 1
    assert body["current_step"]["done"] is False
    assert body["current_step"]["missing"]
    assert [step["step"] for step in body["steps"]] == [1, 2, 3, 4, 5]


def test_a_case_of_another_caseworker_is_a_404(outsider_api, caseworker):
    case = full_case(caseworker=caseworker)

    assert outsider_api.get(reverse("api:case", args=[case.reference])).status_code == 404
    assert outsider_api.get(reverse("api:case_timeline", args=[case.reference])).status_code == 404


def test_a_case_that_does_not_exist_is_a_404_in_json(caseworker_api):
    response = caseworker_api.get(reverse("api:case", args=["CCP-2026-9999"]))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_timeline_goes_newest_first_by_cursor(caseworker_api, caseworker):
    case = CaseFactory(caseworker=caseworker)
    for number in range(5):
        CaseEventFactory(case=case, message=f"Note {number}")

    first = caseworker_api.get(reverse("api:case_timeline", args=[case.reference]), {"page_size": 3}).json()
    second = caseworker_api.get(first["next"]).json()

    messages = [event["message"] for event in first["results"] + second["results"]]
    assert messages == [f"Note {n}" for n in range(4, -1, -1)]


def test_the_timeline_asks_the_same_number_of_queries_for_1_and_50_events(caseworker_api, caseworker):
    case = CaseFactory(caseworker=caseworker)
    CaseEventFactory(case=case, actor=caseworker)
    url = reverse("api:case_timeline", args=[case.reference])
    one = _queries(caseworker_api, url)
    for _ in range(49):
        CaseEventFactory(case=case, actor=caseworker)

    assert _queries(caseworker_api, url) == one
