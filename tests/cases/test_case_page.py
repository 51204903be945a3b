"""The case page reads a fixed number of queries, however long the case's history; the timeline
page pages through that history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent
from casework.services import task_create
from reconciliation import services as step_services
from tests.factories import CaseEventFactory, full_case


def _queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_case_page_reads_ten_queries_whatever_the_length_of_the_timeline(supervisor_client, caseworker):
    case = full_case(caseworker=caseworker)
    with_one = _queries(supervisor_client, case)

    CaseEventFactory.create_batch(300, case=case)
    with_many = _queries(supervisor_client, case)

    assert with_one == with_many
    # Three are every staff page's (the session, the user, two-factor and roles); the panels read
    # no skips, personal time, check-ins or tasks for a case that has none.
    assert with_many == 10


def test_a_skipped_step_and_a_task_are_read_for_a_case_that_has_them_a_query_each(
    supervisor_client, supervisor, caseworker
):
    case = full_case(caseworker=caseworker)
    step_services.step_skip(case=case, step=Case.Step.REFLECTION, reason="Wrote it on paper", by=supervisor)
    due = timezone.localdate() + timedelta(days=3)
    task_create(case=case, title="Call the business back", due_on=due, owner=caseworker, by=caseworker)

    with CaptureQueriesContext(connection) as queries:
        body = supervisor_client.get(case.get_absolute_url()).content.decode()

    assert "Wrote it on paper" in body
    assert "Call the business back" in body
    assert len(queries) == 12


def test_the_latest_words_from_participants_are_those_on_the_timeline(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    customer = case.participants.get(role="customer")
    CaseEventFactory(case=case, actor_participant=customer, kind=CaseEvent.Kind.REFLECTION, message="Draft saved.")
    CaseEventFactory.create_batch(3, case=case, message="A call.")

    page = caseworker_client.get(case.get_absolute_url()).content.decode()

    assert "Latest from participants" in page
    assert page.count("Draft saved.") == 2  # in the box, and on the timeline


def _numbered_events(case, count: int) -> None:
    """Events "Call 0" (oldest) … "Call N-1" (newest), a minute apart."""
    start = case.opened_at
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=CaseEvent.Kind.NOTE, message=f"Call {n}.", created_at=start + timedelta(minutes=n))
        for n in range(count)
    )


def test_the_case_page_shows_the_latest_25_events_and_leads_to_the_earlier_ones(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    _numbered_events(case, 260)

    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "Call 259." in page
    assert "Call 235." in page
    assert "Call 234." not in page
    earlier = re.search(r'href="([^"]+/timeline/\?before=\d+)">Earlier events', page).group(1)

    # The timeline page goes on where the case page stopped, a hundred at a time, to the first event.
    seen = []
    while earlier:
        page = caseworker_client.get(earlier.replace("&amp;", "&")).content.decode()
        seen += [int(n) for n in re.findall(r"Call (\d+)\.", page)]
        found = re.search(r'href="([^"]+/timeline/\?before=\d+)">Earlier events', page)
        earlier = found.group(1) if found else None
    assert seen == list(range(234, -1, -1))


def test_the_timeline_page_starts_at_the_newest_event(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    _numbered_events(case, 3)

    page = caseworker_client.get(reverse("cases:timeline", args=[case.reference])).content.decode()

    assert page.index("Call 2.") < page.index("Call 1.") < page.index("Call 0.")
    assert "Earlier events" not in page


def test_the_timeline_page_refuses_an_event_of_another_case(caseworker_client, caseworker):
    case, other = full_case(caseworker=caseworker), full_case(caseworker=caseworker)
    _numbered_events(other, 1)
    foreign = other.events.get(message="Call 0.")

    response = caseworker_client.get(reverse("cases:timeline", args=[case.reference]), {"before": foreign.pk})

    assert response.status_code == 404


def test_the_timeline_of_someone_elses_case_is_not_found(caseworker_client):
    case = full_case()  # another caseworker's

    assert caseworker_client.get(reverse("cases:timeline", args=[case.reference])).status_code == 404


@pytest.mark.parametrize(
    ("before", "status"),
    [("²", 200), ("٣", 200), ("abc", 200), ("99999999999999999999999", 404)],
)
def test_odd_event_ids_on_the_timeline_page_are_ignored_or_not_found(caseworker_client, caseworker, before, status):
    case = full_case(caseworker=caseworker)

    response = caseworker_client.get(reverse("cases:timeline", args=[case.reference]), {"before": before})

    assert response.status_code == status


def test_the_forms_of_rarely_used_actions_are_links_until_asked_for(supervisor_client, caseworker):
    case = full_case(caseworker=caseworker)
    page = supervisor_client.get(case.get_absolute_url()).content.decode()

    for asked in ("note", "task", "file", "reassign"):
        assert f'href="?form={asked}#' in page
    assert 'name="caseworker"' not in page  # the reassignment's choice of every caseworker
    assert f'action="/cases/{case.reference}/notes/add/' not in page

    asked = supervisor_client.get(case.get_absolute_url(), {"form": "reassign"}).content.decode()
    assert 'name="caseworker"' in asked
    asked = supervisor_client.get(case.get_absolute_url(), {"form": "note"}).content.decode()
    assert f'action="/cases/{case.reference}/notes/add/#notes"' in asked


def test_only_a_supervisor_gets_the_reassignment_form_when_asking_for_it(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    page = caseworker_client.get(case.get_absolute_url(), {"form": "reassign"}).content.decode()

    assert 'name="caseworker"' not in page
    assert "?form=reassign" not in page
