"""The case page reads a fixed number of queries, however long the case's history."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseEvent
from tests.factories import CaseEventFactory, full_case


def _queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_case_page_reads_at_most_15_queries_whatever_the_length_of_the_timeline(supervisor_client, caseworker):
    case = full_case(caseworker=caseworker)
    with_one = _queries(supervisor_client, case)

    CaseEventFactory.create_batch(300, case=case)
    with_many = _queries(supervisor_client, case)

    assert with_one == with_many
    assert with_many <= 15  # five of them: the session, the user, two-factor and roles


def test_the_latest_words_from_participants_are_those_on_the_timeline(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    customer = case.participants.get(role="customer")
    CaseEventFactory(case=case, actor_participant=customer, kind=CaseEvent.Kind.REFLECTION, message="Draft saved.")
    CaseEventFactory.create_batch(3, case=case, message="A call.")

    page = caseworker_client.get(case.get_absolute_url()).content.decode()

    assert "Latest from participants" in page
    assert page.count("Draft saved.") == 2  # in the box, and on the timeline
