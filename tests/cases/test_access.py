"""Who may see a case: its caseworker and supervisors. Everyone else gets 404, never 403."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, UserFactory


def test_anonymous_visitors_are_sent_to_the_login_page(client, case):
    response = client.get(case.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_assigned_caseworker_sees_the_case(caseworker_client, case):
    assert caseworker_client.get(case.get_absolute_url()).status_code == 200


def test_another_caseworker_gets_404_without_the_case_title(client, outsider_caseworker, case):
    client.force_login(outsider_caseworker)

    response = client.get(case.get_absolute_url())

    assert response.status_code == 404
    assert case.reference not in response.content.decode()


def test_a_reference_that_does_not_exist_is_404(caseworker_client):
    assert caseworker_client.get(reverse("cases:detail", args=["CCP-1999-9999"])).status_code == 404


def test_a_supervisor_sees_every_case(supervisor_client, case):
    assert supervisor_client.get(case.get_absolute_url()).status_code == 200


def test_a_logged_in_account_without_a_staff_role_sees_no_case(client, case):
    client.force_login(UserFactory(username="volunteer"))

    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:list")).status_code == 404
    assert client.get(reverse("cases:intake")).status_code == 404


@pytest.mark.parametrize("action", ["status", "reassign"])
def test_another_caseworker_cannot_act_on_the_case(client, outsider_caseworker, case, action):
    client.force_login(outsider_caseworker)

    response = client.post(reverse(f"cases:{action}", args=[case.reference]), {"action": "pause", "reason": "x"})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "open"


def test_the_case_list_shows_only_my_cases(caseworker_client, case):
    theirs = CaseFactory()

    page = caseworker_client.get(reverse("cases:list")).content.decode()

    assert case.reference in page
    assert theirs.reference not in page


def test_the_case_list_shows_every_case_to_a_supervisor(supervisor_client, case):
    theirs = CaseFactory()

    page = supervisor_client.get(reverse("cases:list")).content.decode()

    assert case.reference in page
    assert theirs.reference in page


@pytest.mark.parametrize("path", ["/cases/%00/", "/cases/CCP-2026-0001%00/timeline/", f"/cases/CCP-2026-{'9' * 40}/"])
def test_an_address_whose_reference_is_no_reference_is_not_found(caseworker_client, path):
    assert caseworker_client.get(path).status_code == 404
