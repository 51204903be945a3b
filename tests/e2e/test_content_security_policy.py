"""The Content-Security-Policy in a real browser: no page breaks it, and its scripts still run.

Chromium reports every refused script, style or image as a console error ("Refused to ...")
and as a ``securitypolicyviolation`` event; both are collected on every page opened here.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from cases import links
from cases.models import Case

from .browser import login

pytestmark = pytest.mark.django_db(transaction=True)

WATCH = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
}"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    return {case.step if case.status == "open" else "completed": case for case in Case.objects.order_by("-id")}


def open_watched(open_page):
    page = open_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.add_init_script(f"({WATCH})()")
    return page, refused


def visit(page, refused: list, path: str) -> None:
    response = page.goto(path)
    assert response.status < 400, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == [], path
    assert refused == [], path


def test_staff_pages_keep_to_the_policy_and_their_scripts_run(open_page, demo):
    page, refused = open_watched(open_page)
    login(page, "supervisor", "compassion-demo")
    for path in [
        "/cases/",
        "/cases/dashboard/",
        "/cases/new/",
        demo[3].get_absolute_url(),
        "/referrals/",
        "/accounts/security/",
        "/accounts/two-factor/setup/",
    ]:
        visit(page, refused, path)

    visit(page, refused, "/cases/reports/")
    assert page.locator("canvas").count() > 0
    assert page.evaluate("typeof window.Chart") == "function"  # Chart.js loaded from our static files

    page.set_viewport_size({"width": 500, "height": 800})
    visit(page, refused, "/cases/")
    page.locator("summary", has_text="Menu").click()  # the phone's menu opens without any script
    page.get_by_role("link", name="Cases", exact=True).wait_for(state="visible")


def test_portal_pages_keep_to_the_policy_and_the_draft_still_autosaves(open_page, demo):
    customer = demo[1].participants.get(role="customer")
    _link, token = links.link_issue(participant=customer, by=None)
    page, refused = open_watched(open_page)
    for path in [links.portal_path(token), "/refer/", "/p/not-a-real-link/"]:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
        assert refused == [], path
        assert response.headers.get("content-security-policy"), path

    visit(page, refused, links.portal_path(token) + "reflection/")
    page.get_by_label("What was happening for you that day?").fill("Written in a browser that keeps to the policy.")
    page.get_by_text("Draft saved at").wait_for(timeout=10_000)  # autosave.js fetched the same origin
    assert refused == []
