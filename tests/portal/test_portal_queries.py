"""A portal page reads a fixed number of queries, however long the case's history."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import links
from tests.factories import CaseEventFactory, full_case


def test_the_portal_home_query_count_does_not_grow_with_the_cases_history(client, caseworker):
    case = full_case(caseworker=caseworker)
    _link, token = links.link_issue(participant=case.participants.get(role="customer"), by=None)
    home = reverse("portal:home", kwargs={"token": token})

    with CaptureQueriesContext(connection) as short:
        assert client.get(home).status_code == 200
    CaseEventFactory.create_batch(200, case=case)
    with CaptureQueriesContext(connection) as long:
        assert client.get(home).status_code == 200

    assert len(long) == len(short) == 2  # the link with its participant; the case with what the page asks
