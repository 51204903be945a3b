"""The access matrix: the pages that need no login are an explicit, short list.

Every other page redirects an anonymous visitor to the login page (LoginRequiredMiddleware).
A new public page (the portal, for example) is added here on purpose, or this test fails.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

PUBLIC_PAGES = {
    # Staff accounts
    "login",
    "admin:login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Anyone may choose the language of the public pages
    "set_language",
    # The referral form: how a case reaches PLI
    "referrals:refer",
    "referrals:thanks",
    # The portal: the personal link in the URL is the key (portal/access.py checks it)
    "portal:home",
    "portal:reflection",
    "portal:plan",
    "portal:shifts",
    "portal:shift_ics",
    "portal:consent",
    "portal:personal_time",
    "portal:personal_time_ics",
    "portal:meeting",
    "portal:commitments",
    "portal:checkin",
    "portal:document",
    "portal:messages",
    "portal:stop",
    "portal:talk",
    "portal:questions",
    "portal:research",
    # A caseworker's calendar feed: the secret token in the URL is the key (cases/calendar_feed.py)
    "reporting:calendar_feed",
    # The API: a personal token is the key (api/authentication.py); no token is a 401
    "api:cases",
    "api:case",
    "api:case_timeline",
    "api:referrals",
    "api:referral",
    "api:referral_decline",
    "api:referral_duplicate",
    "api:reports",
    # The SMS gateway: what it posts carries its signature (notifications/webhooks.py checks it)
    "sms:status",
    "sms:inbound",
    # Load balancers, monitors and the smoke test: database and broker state, nothing else
    "healthz",
}


def _named_views(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _named_views(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name, pattern.callback


def test_the_pages_that_need_no_login_are_exactly_the_listed_ones():
    public = {name for name, view in _named_views() if getattr(view, "login_required", True) is False}

    assert public == PUBLIC_PAGES, (
        "A page that needs no login must be listed on purpose in PUBLIC_PAGES (tests/compassion/test_public_pages.py)"
    )


@pytest.mark.parametrize("name", ["referrals:refer", "referrals:thanks"])
def test_an_anonymous_visitor_opens_the_public_referral_pages(client, db, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["cases:list", "cases:intake", "referrals:triage"])
def test_staff_pages_send_an_anonymous_visitor_to_the_login_page(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
