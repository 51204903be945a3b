"""Pause, resume, withdraw, close: the allowed moves, and every other one refused."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent
from tests.factories import CaseFactory, CaseworkerFactory

S = Case.Status

LEGAL = [
    (S.OPEN, "pause", S.PAUSED),
    (S.PAUSED, "resume", S.OPEN),
    (S.OPEN, "withdraw", S.WITHDRAWN),
    (S.PAUSED, "withdraw", S.WITHDRAWN),
    (S.OPEN, "close", S.CLOSED),
    (S.PAUSED, "close", S.CLOSED),
    (S.COMPLETED, "close", S.CLOSED),
    (S.WITHDRAWN, "close", S.CLOSED),
]
ILLEGAL = [
    (status, action)
    for status in S.values
    for action in services.STATUS_ACTIONS
    if (status, action) not in {(source, act) for source, act, _ in LEGAL}
]


@pytest.mark.parametrize(("start", "action", "end"), LEGAL)
def test_allowed_status_changes_happen_and_are_on_the_timeline(caseworker, start, action, end):
    case = CaseFactory(caseworker=caseworker, status=start)

    services.case_change_status(case=case, action=action, by=caseworker, reason="Customer asked for a break")

    case.refresh_from_db()
    assert case.status == end
    event = case.events.get()
    assert (event.kind, event.from_value, event.to_value, event.actor) == (
        CaseEvent.Kind.STATUS,
        start,
        end,
        caseworker,
    )


@pytest.mark.parametrize(("start", "action"), ILLEGAL)
def test_every_other_status_change_is_refused_and_changes_nothing(caseworker, start, action):
    case = CaseFactory(caseworker=caseworker, status=start)

    with pytest.raises(services.WorkflowError, match="cannot be"):
        services.case_change_status(case=case, action=action, by=caseworker, reason="x")

    case.refresh_from_db()
    assert case.status == start
    assert not case.events.exists()


@pytest.mark.parametrize("action", ["withdraw", "close"])
def test_withdrawing_or_closing_needs_a_reason(caseworker, action):
    case = CaseFactory(caseworker=caseworker)

    with pytest.raises(services.WorkflowError, match="Say why"):
        services.case_change_status(case=case, action=action, by=caseworker, reason="  ")

    case.refresh_from_db()
    assert case.status == S.OPEN


def test_the_case_page_offers_only_the_allowed_actions(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker, status=S.PAUSED)

    page = caseworker_client.get(case.get_absolute_url()).content.decode()

    assert 'value="resume"' in page
    assert 'value="withdraw"' in page
    assert 'value="pause"' not in page


def test_a_forced_illegal_post_is_refused_with_the_reason_and_keeps_the_typed_text(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker, status=S.CLOSED)

    response = caseworker_client.post(
        reverse("cases:status", args=[case.reference]), {"action": "pause", "reason": "typed by hand"}
    )

    assert response.status_code == 400
    assert "A case that is closed cannot be paused." in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_pausing_through_the_page(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker)

    response = caseworker_client.post(reverse("cases:status", args=[case.reference]), {"action": "pause"}, follow=True)

    case.refresh_from_db()
    assert case.status == S.PAUSED
    assert "Case paused." in response.content.decode()


def test_a_supervisor_reassigns_a_case(supervisor_client, supervisor, case):
    jordan = CaseworkerFactory(username="jordan")

    supervisor_client.post(reverse("cases:reassign", args=[case.reference]), {"caseworker": jordan.pk})

    case.refresh_from_db()
    assert case.caseworker == jordan
    assert case.events.get().kind == CaseEvent.Kind.ASSIGNED


def test_a_caseworker_cannot_reassign_even_their_own_case(caseworker_client, case):
    jordan = CaseworkerFactory(username="jordan")

    response = caseworker_client.post(reverse("cases:reassign", args=[case.reference]), {"caseworker": jordan.pk})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.caseworker.username == "casey"
