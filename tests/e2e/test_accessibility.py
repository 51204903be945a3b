"""axe-core on every portal page and on the main staff pages: no serious or critical violation.

The demo data (seed_demo) puts cases at every step, so that each page shows real content.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cases import links
from cases.models import Case, Participant
from reconciliation.models import PersonalTime

from .browser import assert_accessible, login, screenshot
from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    return {case.step if case.status == "open" else "completed": case for case in Case.objects.order_by("-id")}


def portal(case: Case, role: str, page: str = "") -> str:
    participant = case.participants.get(role=role)
    _link, token = links.link_issue(participant=participant, by=None)
    return links.portal_path(token) + (f"{page}/" if page else "")


def test_portal_pages_have_no_serious_accessibility_problems(open_page, demo):
    completed, plan_step, meeting_step, reflection_step = demo["completed"], demo[2], demo[4], demo[1]
    Participant.objects.filter(case=meeting_step, role="agent").update(no_contact=False)
    pages = {
        "portal-home-customer": portal(reflection_step, "customer"),
        "portal-reflection-form": portal(reflection_step, "customer", "reflection"),
        "portal-reflection-submitted": portal(completed, "customer", "reflection"),
        "portal-plan-business": portal(plan_step, "business", "plan"),
        "portal-shifts-business": portal(meeting_step, "business", "shifts"),
        "portal-shifts-customer": portal(meeting_step, "customer", "shifts"),
        "portal-consent-agent": portal(meeting_step, "agent", "consent"),
        "portal-meeting-agent": portal(meeting_step, "agent", "meeting"),
        "portal-commitments": portal(completed, "customer", "commitments"),
        "portal-check-in": portal(completed, "customer", "check-in"),
        "portal-link-not-working": "/p/not-a-real-link/",
        "portal-personal-time-agent": _with_personal_time(meeting_step, "agent"),
        "portal-personal-time-customer": portal(meeting_step, "customer", "personal-time"),
        "portal-stop-agent": portal(meeting_step, "agent", "stop"),
    }
    phone, zoomed = open_page(phone=True), open_page(zoomed=True)
    for name, path in pages.items():
        for page, screen in ((phone, "phone"), (zoomed, "zoom200")):
            page.goto(path)
            screenshot(page, f"{name}-{screen}")
            assert_accessible(page, f"{name} ({screen})")


def _with_personal_time(case: Case, role: str) -> str:
    """The case gets two personal times (two rows of the same form): their fields' ids must differ."""
    agent = case.participants.get(role="agent")
    Participant.objects.filter(pk=agent.pk).update(personal_time_consent=True, no_contact=False)
    start = timezone.now() + timedelta(days=3)
    for days in (0, 2):
        PersonalTime.objects.create(
            case=case,
            agent=agent,
            starts_at=start + timedelta(days=days),
            ends_at=start + timedelta(days=days, hours=1),
            activity="A coffee",
            location="Corner café",
        )
    return portal(case, role, "personal-time")


def test_a_refused_form_shows_a_summary_that_takes_the_focus_and_leads_to_the_field(open_page, demo):
    page = open_page(phone=True)
    page.goto(portal(demo[2], "business", "consent"))
    page.get_by_role("button", name="Send my answer").click()  # no answer chosen

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("we need it to send your answer")
    screenshot(page, "portal-error-summary-phone")
    assert_accessible(page, "portal-error-summary")
    summary.get_by_role("link").first.click()
    expect(page.locator("input[name=consent]").first).to_be_focused()


def test_the_staff_menu_opens_on_a_phone_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    page = context.new_page()
    login(page, "caseworker", "compassion-demo")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Cases").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))
    context.close()


def test_staff_pages_have_no_serious_accessibility_problems(open_page, demo):
    page = open_page()
    login(page, "caseworker", "compassion-demo")
    for name, path in {
        "home": "/",
        "case-list": "/cases/",
        "intake": "/cases/new/",
        "case-detail-plan": demo[2].get_absolute_url(),
        "case-detail-role-swap": demo[3].get_absolute_url(),
        "case-detail-completed": demo["completed"].get_absolute_url(),
    }.items():
        page.goto(path)
        screenshot(page, f"{name}-desktop")
        assert_accessible(page, name)


def test_supervisor_pages_have_no_serious_accessibility_problems(open_page, demo):
    page = open_page()
    login(page, "supervisor", "compassion-demo")
    for name, path in {
        "dashboard-supervisor": "/cases/dashboard/",
        "reports": "/cases/reports/",
        "referral-triage": "/referrals/",
    }.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{name}-desktop")
        assert_accessible(page, name)
