"""Lock-out: five wrong passwords in a row for one username from one address pause that pair for 30 minutes."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import links
from tests.factories import CaseworkerFactory, full_case

PASSWORD = "a-good-long-password"
OFFICE, ELSEWHERE = "198.51.100.7", "203.0.113.9"


def log_in(client, username: str, password: str, address: str = OFFICE):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username: str, times: int, address: str = OFFICE):
    return [log_in(client, username, "wrong-password", address) for _ in range(times)]


@pytest.fixture
def casey(db):
    return CaseworkerFactory(username="casey")


def test_four_wrong_passwords_still_leave_the_door_open(client, casey):
    responses = fail(client, "casey", 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert "Please enter a correct username and password" in responses[-1].content.decode()
    assert log_in(client, "casey", PASSWORD).status_code == 302


def test_the_fifth_wrong_password_locks_that_username_from_that_address_with_a_friendly_page(client, casey):
    *_, fifth = fail(client, "casey", 5)

    assert fifth.status_code == 429
    body = fifth.content.decode()
    assert "Too many wrong passwords" in body
    assert "30 minutes" in body
    assert "Traceback" not in body


def test_a_locked_out_pair_is_refused_even_with_the_right_password(client, casey):
    fail(client, "casey", 5)

    response = log_in(client, "casey", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_person_from_another_address_can_still_log_in(client, casey):
    fail(client, "casey", 5)

    assert log_in(client, "casey", PASSWORD, address=ELSEWHERE).status_code == 302


def test_one_person_guessing_cannot_lock_out_the_whole_office(client, casey):
    CaseworkerFactory(username="robin")
    fail(client, "casey", 5)

    assert log_in(client, "robin", PASSWORD).status_code == 302


def test_the_lock_lifts_after_thirty_minutes(client, casey):
    fail(client, "casey", 5)

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert log_in(client, "casey", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client, casey):
    fail(client, "casey", 4)
    assert log_in(client, "casey", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    responses = fail(client, "casey", 4)

    assert [r.status_code for r in responses] == [200] * 4


def test_the_admin_login_is_locked_out_too(client, casey):
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": "casey", "password": "wrong"}, REMOTE_ADDR=OFFICE)

    assert response.status_code == 429


def test_the_limit_and_the_pause_come_from_the_settings(client, casey, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_MINUTES = 10

    *_, second = fail(client, "casey", 2)

    assert second.status_code == 429
    assert "10 minutes" in second.content.decode()


def test_the_portal_and_the_public_pages_are_untouched_by_a_lock_out(client, casey):
    case = full_case(caseworker=casey)
    _link, token = links.link_issue(participant=case.participants.get(role="customer"), by=None)
    fail(client, "casey", 5)

    assert client.get(reverse("portal:home", args=[token]), REMOTE_ADDR=OFFICE).status_code == 200
    assert client.get(reverse("referrals:refer"), REMOTE_ADDR=OFFICE).status_code == 200
    assert client.get(reverse("login"), REMOTE_ADDR=OFFICE).status_code == 200


def test_the_logs_name_neither_the_username_nor_the_address(client, casey, caplog):
    with caplog.at_level("INFO"):
        fail(client, "casey", 5)

    assert caplog.records
    assert "casey" not in caplog.text
    assert OFFICE not in caplog.text


def test_a_username_longer_than_any_is_refused_like_any_wrong_one(client, casey):
    responses = fail(client, "x" * 5000, 5)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]


def test_a_forwarded_address_that_is_no_address_falls_back_to_the_connection(client, casey, settings):
    settings.NUM_PROXIES = 1
    junk = {"REMOTE_ADDR": OFFICE, "HTTP_X_FORWARDED_FOR": "not-an-address, <script>"}

    responses = [client.post(reverse("login"), {"username": "casey", "password": "wrong"}, **junk) for _ in range(5)]

    assert responses[-1].status_code == 429
    assert log_in(client, "casey", PASSWORD, address=OFFICE).status_code == 429  # counted for the real address
