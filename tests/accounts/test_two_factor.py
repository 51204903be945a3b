"""Two-factor for staff: an authenticator app (TOTP), set up from the account page; supervisors can require it."""

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityPolicy
from cases import links
from tests.factories import full_case

from .conftest import code_for, code_for_key, pending_key, with_app

PASSWORD = "a-good-long-password"
SETUP, VERIFY, SECURITY = "accounts:two_factor_setup", "accounts:two_factor_verify", "accounts:security"


def log_in(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def require_two_factor(by) -> None:
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"staff_two_factor_required": True, "changed_by": by})


# ---------------------------------------------------------------- setting it up


def test_the_account_page_offers_two_factor_and_the_password_change(caseworker_client):
    body = caseworker_client.get(reverse(SECURITY)).content.decode()

    assert "Two-factor" in body
    assert "<strong>Off.</strong>" in body
    assert reverse(SETUP) in body
    assert reverse("password_change") in body


def test_the_staff_member_name_in_the_menu_leads_to_the_account_page(caseworker_client):
    assert reverse(SECURITY) in caseworker_client.get(reverse("cases:list")).content.decode()


def test_setting_up_shows_a_qr_code_drawn_here_and_the_key_as_text(caseworker_client, caseworker):
    response = caseworker_client.get(reverse(SETUP))

    body = response.content.decode()
    assert 'src="data:image/svg+xml' in body
    secret = re.search(r'<code class="fs-5 user-select-all">([A-Z2-7 ]+)</code>', body).group(1)
    assert b32decode(secret.replace(" ", "")).hex() == pending_key(caseworker_client)
    assert "<script" not in body.split("</main>")[0]
    assert not TOTPDevice.objects.exists()  # nothing is saved before a code confirms the app


def test_reloading_the_set_up_page_keeps_the_same_key(caseworker_client):
    caseworker_client.get(reverse(SETUP))
    first = pending_key(caseworker_client)
    caseworker_client.get(reverse(SETUP))

    assert pending_key(caseworker_client) == first


def test_a_code_from_the_app_turns_two_factor_on(caseworker_client, caseworker):
    caseworker_client.get(reverse(SETUP))
    key = pending_key(caseworker_client)

    response = caseworker_client.post(reverse(SETUP), {"code": code_for_key(key)}, follow=True)

    device = TOTPDevice.objects.get(user=caseworker)
    assert (device.confirmed, device.key) == (True, key)
    assert "Two-factor is on" in response.content.decode()
    assert caseworker_client.get(reverse("cases:list")).status_code == 200  # this session counts as verified


def test_the_code_that_confirmed_the_app_cannot_be_used_again_to_log_in(caseworker_client, caseworker):
    caseworker_client.get(reverse(SETUP))
    code = code_for_key(pending_key(caseworker_client))
    caseworker_client.post(reverse(SETUP), {"code": code})
    client = Client()
    log_in(client, "casey")

    assert client.post(reverse(VERIFY), {"code": code}).status_code == 400


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", "", "٣٣٣٣٣٣"])
def test_a_wrong_code_leaves_two_factor_off_and_saves_nothing(caseworker_client, code):
    caseworker_client.get(reverse(SETUP))

    response = caseworker_client.post(reverse(SETUP), {"code": code})

    assert response.status_code == 400
    assert not TOTPDevice.objects.exists()


def test_a_code_without_a_set_up_under_way_is_refused(caseworker_client):
    response = caseworker_client.post(reverse(SETUP), {"code": "123456"})

    assert response.status_code == 400
    assert not TOTPDevice.objects.exists()


# ---------------------------------------------------------------- logging in


def test_once_set_up_logging_in_asks_for_a_code(client, caseworker):
    device = with_app(caseworker)
    log_in(client, "casey")

    response = client.get(reverse("cases:list"))

    assert response.status_code == 302
    assert response["Location"] == reverse(VERIFY) + "?next=%2Fcases%2F"
    verify = client.get(response["Location"])
    assert "One more step" in verify.content.decode()

    done = client.post(reverse(VERIFY), {"code": code_for(device), "next": "/cases/"})

    assert done.status_code == 302
    assert done["Location"] == "/cases/"
    assert client.get(reverse("cases:list")).status_code == 200


def test_without_the_code_no_staff_page_opens(client, caseworker, case):
    with_app(caseworker)
    log_in(client, "casey")

    for url in [reverse("cases:list"), case.get_absolute_url(), reverse("reporting:dashboard"), reverse(SECURITY)]:
        assert client.get(url)["Location"].startswith(reverse(VERIFY)), url
    refused = client.post(reverse("cases:status", args=[case.reference]), {"action": "pause", "reason": "x"})
    assert refused["Location"] == reverse(VERIFY)
    case.refresh_from_db()
    assert case.status == "open"


def test_a_wrong_code_is_refused(client, caseworker):
    device = with_app(caseworker)
    log_in(client, "casey")
    wrong = "000000" if code_for(device) != "000000" else "111111"

    response = client.post(reverse(VERIFY), {"code": wrong})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("cases:list")).status_code == 302


def test_wrong_codes_slow_down_the_next_tries(client, caseworker):
    device = with_app(caseworker)
    log_in(client, "casey")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _ in range(3):
        client.post(reverse(VERIFY), {"code": wrong})

    response = client.post(reverse(VERIFY), {"code": code_for(device)})

    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()


def test_a_code_works_only_once(client, caseworker):
    device = with_app(caseworker)
    code = code_for(device)
    log_in(client, "casey")
    client.post(reverse(VERIFY), {"code": code})
    client.post(reverse("logout"))
    log_in(client, "casey")

    response = client.post(reverse(VERIFY), {"code": code})

    assert response.status_code == 400


def test_the_next_code_works_at_the_next_login(client, caseworker, next_step):
    device = with_app(caseworker)
    log_in(client, "casey")
    client.post(reverse(VERIFY), {"code": code_for(device)})
    client.post(reverse("logout"))
    next_step()
    log_in(client, "casey")

    assert client.post(reverse(VERIFY), {"code": code_for(device)}).status_code == 302


def test_half_way_through_logging_in_one_can_log_out(client, caseworker):
    with_app(caseworker)
    log_in(client, "casey")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_verify_page_only_goes_on_to_this_site(client, caseworker):
    device = with_app(caseworker)
    log_in(client, "casey")

    response = client.post(reverse(VERIFY), {"code": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_someone_with_only_the_password_cannot_replace_the_app(client, caseworker):
    device = with_app(caseworker)
    log_in(client, "casey")

    assert client.get(reverse(SETUP))["Location"].startswith(reverse(VERIFY))
    assert client.post(reverse("accounts:two_factor_disable"), {"code": "123456"})["Location"].startswith(
        reverse(VERIFY)
    )
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_the_portal_never_asks_for_a_code(client, caseworker):
    with_app(caseworker)
    case = full_case(caseworker=caseworker)
    _link, token = links.link_issue(participant=case.participants.get(role="customer"), by=None)
    log_in(client, "casey")  # a caseworker opening a participant's link in the same browser

    assert client.get(reverse("portal:home", args=[token])).status_code == 200


# ---------------------------------------------------------------- turning it off


def test_two_factor_is_turned_off_with_a_current_code(client, caseworker, next_step):
    device = with_app(caseworker)
    log_in(client, "casey")
    client.post(reverse(VERIFY), {"code": code_for(device)})
    next_step()

    response = client.post(reverse("accounts:two_factor_disable"), {"code": code_for(device)}, follow=True)

    assert "Two-factor is off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=caseworker).exists()


def test_turning_it_off_needs_the_right_code(client, caseworker):
    device = with_app(caseworker)
    log_in(client, "casey")
    client.post(reverse(VERIFY), {"code": code_for(device)})

    response = client.post(reverse("accounts:two_factor_disable"), {"code": "000000"}, follow=True)

    assert "Two-factor is off" not in response.content.decode()
    assert TOTPDevice.objects.filter(user=caseworker, confirmed=True).exists()


# ---------------------------------------------------------------- supervisors require it


def test_a_supervisor_requires_two_factor_for_every_staff_member(client, supervisor, next_step):
    device = with_app(supervisor)
    log_in(client, "sam")
    client.post(reverse(VERIFY), {"code": code_for(device)})

    response = client.post(reverse("accounts:two_factor_policy"), {"required": "on"}, follow=True)

    assert "Two-factor is now required" in response.content.decode()
    policy = SecurityPolicy.objects.get()
    assert policy.staff_two_factor_required
    assert policy.changed_by == supervisor
    assert "required" in client.get(reverse(SECURITY)).content.decode()


def test_a_supervisor_sets_up_their_own_app_before_requiring_it(supervisor_client):
    response = supervisor_client.post(reverse("accounts:two_factor_policy"), {"required": "on"}, follow=True)

    assert "Set up two-factor for your own account first" in response.content.decode()
    assert not SecurityPolicy.objects.filter(staff_two_factor_required=True).exists()


def test_a_supervisor_makes_it_optional_again(supervisor):
    require_two_factor(supervisor)
    device = with_app(supervisor)
    client = Client()
    log_in(client, "sam")
    client.post(reverse(VERIFY), {"code": code_for(device)})

    client.post(reverse("accounts:two_factor_policy"), {})

    assert not SecurityPolicy.objects.get().staff_two_factor_required


def test_only_supervisors_see_or_change_the_switch(caseworker_client, caseworker):
    assert "Two-factor for all staff" not in caseworker_client.get(reverse(SECURITY)).content.decode()
    assert caseworker_client.post(reverse("accounts:two_factor_policy"), {"required": "on"}).status_code == 404
    assert not SecurityPolicy.objects.exists()


def test_when_required_staff_without_an_app_are_sent_to_set_one_up_before_any_staff_page(
    caseworker_client, caseworker, supervisor, case
):
    require_two_factor(supervisor)

    for url in [reverse("cases:list"), case.get_absolute_url(), reverse(SECURITY), reverse("admin:index")]:
        response = caseworker_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse(SETUP)), url

    setup = caseworker_client.get(reverse(SETUP) + "?next=/cases/")
    assert "supervisors ask every staff member" in setup.content.decode()
    code = code_for_key(pending_key(caseworker_client))
    done = caseworker_client.post(reverse(SETUP), {"code": code, "next": "/cases/"})
    assert done["Location"] == "/cases/"
    assert caseworker_client.get(reverse("cases:list")).status_code == 200


def test_when_required_the_public_pages_and_logging_out_still_work(caseworker_client, supervisor, case):
    require_two_factor(supervisor)
    _link, token = links.link_issue(participant=case.participants.get(role="customer"), by=None)

    assert caseworker_client.get(reverse("portal:home", args=[token])).status_code == 200
    assert caseworker_client.get(reverse("referrals:refer")).status_code == 200
    assert caseworker_client.get("/healthz").status_code in {200, 503}
    assert caseworker_client.post(reverse("logout")).status_code == 302


def test_a_next_address_that_is_no_path_sends_home_rather_than_failing(client, caseworker):
    client.force_login(caseworker)

    response = client.get(reverse("accounts:two_factor_verify"), {"next": "²"})

    assert (response.status_code, response["Location"]) == (302, "/")
