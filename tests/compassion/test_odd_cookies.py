"""Cookies a browser would never send get a normal page, not a 500 (they reach the database otherwise)."""

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.parametrize("value", ["nul\x00inside", "x" * 5000, "' OR 1=1 --", "a" * 31])
def test_an_odd_session_cookie_is_no_session(client, db, value):
    client.cookies[settings.SESSION_COOKIE_NAME] = value

    public = client.get(reverse("referrals:refer"))
    staff = client.get(reverse("cases:list"))

    assert public.status_code == 200
    assert staff.status_code == 302  # to the login page, as for anyone without a session


def test_a_real_session_still_works(caseworker_client):
    assert caseworker_client.get(reverse("cases:list")).status_code == 200
