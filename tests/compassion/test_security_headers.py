"""Security headers: a Content-Security-Policy without inline script, HSTS, referrer policy, no framing.

The headers are checked on a portal page (what customers, agents and businesses open from an
e-mail) and on a staff page; the templates are checked to keep to the policy.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from cases import links
from tests.factories import CaseworkerFactory, full_case

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy_of(response) -> dict[str, str]:
    parts = [part.strip() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: value for name, _, value in (part.partition(" ") for part in parts)}


@pytest.fixture
def portal_page(client, caseworker):
    case = full_case(caseworker=caseworker)
    _link, token = links.link_issue(participant=case.participants.get(role="customer"), by=None)
    return reverse("portal:reflection", args=[token])


@pytest.fixture
def production_https(settings):
    """What DJANGO_ENV=production sets (test_production_settings_turn_on_hsts_and_secure_cookies checks it)."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def assert_security_headers(response) -> None:
    assert response.status_code == 200
    assert policy_of(response) == POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_portal_page_carries_every_security_header(client, portal_page, production_https):
    assert_security_headers(client.get(portal_page, secure=True))


def test_a_staff_page_carries_every_security_header(caseworker_client, production_https):
    assert_security_headers(caseworker_client.get(reverse("cases:list"), secure=True))


def test_the_login_page_and_the_public_referral_form_carry_the_policy(client, db, production_https):
    for url in [reverse("login"), reverse("referrals:refer")]:
        assert_security_headers(client.get(url, secure=True))


def no_store(response) -> bool:
    return "no-store" in {part.strip() for part in response["Cache-Control"].split(",")}


def test_pages_and_downloads_with_personal_data_are_kept_by_no_cache(client, supervisor, portal_page):
    case = full_case(caseworker=CaseworkerFactory())
    customer = case.participants.get(role="customer")
    assert no_store(client.get(portal_page))
    assert no_store(client.get(reverse("referrals:refer")))

    client.force_login(supervisor)

    assert no_store(client.get(reverse("cases:list")))
    assert no_store(client.get(case.get_absolute_url()))
    assert no_store(client.get(reverse("reporting:export_csv")))
    assert no_store(client.post(reverse("privacy:participant_export", args=[case.reference, customer.pk])))


def test_the_portal_page_loads_its_script_from_this_site_only(client, portal_page):
    body = client.get(portal_page).content.decode()

    sources = re.findall(r"<script\b([^>]*)>", body)
    assert sources, "the reflection page uses autosave.js"
    for attributes in sources:
        assert re.search(r'src="/static/', attributes), attributes


# ---------------------------------------------------------------- the templates keep to the policy

# E-mails and the PDFs' templates (casework/documents/, drawn by WeasyPrint) are not web pages.
SERVED = [path for path in TEMPLATES.rglob("*.html") if not {"emails", "documents"} & set(path.parts)]


@pytest.mark.parametrize("template", SERVED, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_inline_style_or_event_handlers(template):
    source = template.read_text()

    inline_scripts = [
        tag for tag in re.findall(r"<script\b[^>]*>", source) if "src=" not in tag and "application/json" not in tag
    ]
    assert not inline_scripts, "JavaScript belongs in static/js (json_script for data)"
    assert not re.search(r"\son[a-z]+\s*=", source), "no inline event handlers: add listeners in static/js"
    assert not re.search(r"\sstyle\s*=", source), "no style attributes: add a class to static/css/app.css"
    assert "<style" not in source, "no <style> blocks: static/css/app.css"
    assert "javascript:" not in source.lower()
