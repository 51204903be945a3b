"""How a case reaches PLI, in a real browser: a visitor's referral, a supervisor's acceptance."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from referrals.models import Referral
from tests.factories import CaseworkerFactory, SupervisorFactory

from .browser import assert_accessible, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitors_referral_becomes_a_case_in_a_minute(open_page):
    SupervisorFactory(username="sam")
    CaseworkerFactory(username="casey", first_name="Casey", last_name="Rivera")

    visitor = open_page(phone=True)
    visitor.goto("/refer/")
    assert_accessible(visitor, "referral form")
    visitor.get_by_label("I am the customer").check()
    visitor.get_by_label("Your name").fill("Robin Hayes")
    visitor.get_by_role("textbox", name="E-mail").fill("robin@example.com")
    visitor.locator("[name=contact_by][value=email]").check()
    visitor.get_by_role("textbox", name="The business").fill("Sunrise Coffee")
    visitor.get_by_label("Roughly when did it happen?").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    visitor.get_by_label("Where did it happen?").fill("Main Street branch")
    visitor.get_by_label("What happened, in your own words").fill("I lost my temper with a barista. I want to fix it.")
    visitor.locator("[name=police][value=no]").check()
    visitor.get_by_label("I agree that the Peaceful Leadership Institute may contact me").check()
    visitor.get_by_label("I have read the privacy notice above.").check()
    screenshot(visitor, "referral-form-phone")
    visitor.get_by_role("button", name="Send").click()
    expect(visitor.locator("h1")).to_be_visible()
    referral = Referral.objects.get()
    assert referral.state == Referral.State.NEW

    supervisor = open_page()
    login(supervisor, "sam")
    supervisor.goto("/referrals/")
    supervisor.get_by_role("link", name="Robin Hayes").click()
    supervisor.get_by_role("link", name="Accept and open a case").click()
    expect(supervisor.locator("#id_customer-name")).to_have_value("Robin Hayes")
    expect(supervisor.locator("#id_customer-email")).to_have_value("robin@example.com")
    supervisor.fill("#id_incident-occurred_at", (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    supervisor.select_option("#id_incident-severity", "verbal")
    supervisor.select_option("#id_case-caseworker", label="Casey Rivera")
    screenshot(supervisor, "referral-accept-desktop")
    supervisor.get_by_role("button", name="Open the case").click()

    expect(supervisor.locator(".alert-success").first).to_contain_text("opened")
    case = Case.objects.get()
    referral.refresh_from_db()
    assert (referral.state, referral.case) == (Referral.State.ACCEPTED, case)
    assert case.participants.get(role="customer").email == "robin@example.com"
    assert case.incident.business.name == "Sunrise Coffee"
    assert case.caseworker.username == "casey"
