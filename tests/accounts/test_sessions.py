"""Passwords and sessions: Django's validators, and a password change logs out every other session."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

PASSWORD = "a-good-long-password"
NEW_PASSWORD = "calm-river-stone-42"


def log_in(client: Client, username: str, password: str = PASSWORD) -> None:
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def change_password(client: Client, new: str, old: str = PASSWORD):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


def test_changing_the_password_logs_out_every_other_session_and_keeps_this_one(caseworker):
    laptop, phone = Client(), Client()
    log_in(laptop, "casey")
    log_in(phone, "casey")
    assert phone.get(reverse("cases:list")).status_code == 200

    assert change_password(laptop, NEW_PASSWORD).status_code == 302

    assert laptop.get(reverse("cases:list")).status_code == 200
    logged_out = phone.get(reverse("cases:list"))
    assert logged_out.status_code == 302
    assert logged_out["Location"].startswith(reverse("login"))


def test_a_password_reset_logs_out_every_session(caseworker, client):
    phone = Client()
    log_in(phone, "casey")
    client.post(reverse("password_reset"), {"email": caseworker.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]

    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert phone.get(reverse("cases:list")).status_code == 302


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("casey-pli", "too similar"),
    ],
)
def test_a_weak_new_password_is_refused_and_the_old_one_still_works(caseworker_client, caseworker, password, why):
    response = change_password(caseworker_client, password)

    assert response.status_code == 200
    assert why in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)
