"""axe-core on every portal page and on the main staff pages: no serious or critical violation.

The demo data (seed_demo) puts cases at every step, so that each page shows real content.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from cases import links
from cases.models import Case, Participant

from .browser import assert_accessible, login, screenshot

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
    }
    page = open_page(phone=True)
    for name, path in pages.items():
        page.goto(path)
        screenshot(page, f"{name}-phone")
        assert_accessible(page, name)


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
