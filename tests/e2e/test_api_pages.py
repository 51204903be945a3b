"""The API's staff pages in a real browser: a token made and copied on a phone, the documentation
drawn under the Content-Security-Policy, webhooks and their log."""

import pytest

from tests.factories import CaseworkerFactory, SupervisorFactory

from .browser import assert_accessible, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_caseworker_makes_a_token_on_a_phone_and_revokes_it(open_page):
    CaseworkerFactory(username="casey")
    page = open_page(phone=True)
    login(page, "casey")

    page.goto("/accounts/security/")
    page.get_by_role("link", name="Your API tokens").click()
    page.get_by_label("Name").fill("CRM sync")
    page.get_by_label("Read cases (the list, a case, its timeline)").check()
    page.get_by_role("button", name="Make the token").click()

    assert page.get_by_role("textbox", name="Token").input_value().startswith("ccp_")
    assert_accessible(page, "api-tokens-phone")
    screenshot(page, "api-tokens-phone")
    page.get_by_role("button", name="Revoke CRM sync").click()
    assert "revoked" in page.content()


def test_the_documentation_draws_without_breaking_the_content_security_policy(open_page):
    CaseworkerFactory(username="casey")
    page = open_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, "casey")

    page.goto("/api/docs/")
    page.get_by_text("/api/v1/cases/", exact=True).first.wait_for()

    screenshot(page, "api-docs-desktop")
    assert refused == []


def test_a_supervisor_adds_a_webhook_and_reads_its_log_on_a_phone(open_page, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    SupervisorFactory(username="sam")
    page = open_page(phone=True)
    login(page, "sam")

    page.goto("/api/webhooks/")
    page.get_by_label("Address").fill("http://127.0.0.1:9/receiver")
    page.get_by_label("A case is opened").check()
    page.get_by_role("button", name="Add the webhook").click()
    assert len(page.get_by_role("textbox", name="Secret").input_value()) == 64
    assert_accessible(page, "api-webhooks-phone")
    screenshot(page, "api-webhooks-phone")

    page.get_by_role("link", name="Delivery log").click()
    assert "Nothing delivered yet." in page.content()
