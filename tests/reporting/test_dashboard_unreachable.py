"""The dashboard names the cases with someone nothing can reach, within its query budget."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Participant
from tests.factories import CaseFactory, ParticipantFactory

DASHBOARD = reverse("reporting:dashboard")


def unreachable_case(caseworker):
    case = CaseFactory(caseworker=caseworker)
    ParticipantFactory(case=case, role=Participant.Role.AGENT, email="", phone="")
    return case


def test_a_case_with_someone_we_cannot_reach_is_counted_and_listed(caseworker_client, caseworker):
    case = unreachable_case(caseworker)
    reachable = CaseFactory(caseworker=caseworker)
    ParticipantFactory(case=reachable, email="", phone="+12125550142", channel="sms")

    response = caseworker_client.get(DASHBOARD)

    tiles = {tile.key: tile for tile in response.context["tiles"]}
    assert tiles["unreachable"].count == 1
    page = response.content.decode()
    assert "Cases with someone we cannot reach" in page
    assert '?unreachable=true">See these cases</a>' in page
    listed = caseworker_client.get(reverse("cases:list"), {"unreachable": "true"}).content.decode()
    assert case.reference in listed
    assert reachable.reference not in listed


def test_a_number_that_answered_stop_does_not_count_as_a_way_to_reach(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker)
    ParticipantFactory(case=case, email="", phone="+12125550142", channel="sms", texts_stopped_at="2026-01-01T00:00Z")

    tiles = {tile.key: tile.count for tile in caseworker_client.get(DASHBOARD).context["tiles"]}

    assert tiles["unreachable"] == 1


def test_the_dashboards_queries_do_not_grow_with_unreachable_people(caseworker_client, caseworker):
    unreachable_case(caseworker)
    with CaptureQueriesContext(connection) as one:
        caseworker_client.get(DASHBOARD)
    for _index in range(49):
        unreachable_case(caseworker)
    with CaptureQueriesContext(connection) as fifty:
        response = caseworker_client.get(DASHBOARD)

    assert {tile.key: tile.count for tile in response.context["tiles"]}["unreachable"] == 50
    assert len(one) == len(fifty)
    assert len(fifty) <= 15
