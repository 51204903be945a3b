"""On a phone, a double tap on a button that creates or sends makes one thing, not two: the button
is disabled while the form is sent, and the server handles a form's second post as the first."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from referrals.models import Referral
from tests.factories import CaseworkerFactory

from .browser import PASSWORD, login, screenshot
from .test_journey import local

pytestmark = pytest.mark.django_db(transaction=True)


def fill_intake(page) -> None:
    page.goto("/cases/new/")
    page.fill("#id_incident-occurred_at", local(timezone.now() - timedelta(days=5)))
    page.fill("#id_incident-location", "Checkout line")
    page.fill("#id_incident-description", "Shouted at the cashier about a coupon.")
    page.select_option("#id_incident-severity", "verbal")
    page.select_option("#id_incident-source", "business")
    page.fill("#id_business-name", "Corner Bakery")
    page.fill("#id_business-contact_name", "Ana Ruiz")
    page.fill("#id_representative-name", "Ana Ruiz")
    page.fill("#id_representative-email", "ana@bakery.example")
    page.fill("#id_customer-name", "Alex Morgan")
    page.fill("#id_customer-email", "alex@example.com")


def test_a_double_click_on_open_the_case_opens_one_case(open_page):
    CaseworkerFactory(username="casey")
    page = open_page(phone=True)
    login(page, "casey", PASSWORD)
    fill_intake(page)

    page.get_by_role("button", name="Open the case").dblclick(delay=40)

    expect(page.locator(".alert-success").first).to_contain_text("opened")
    screenshot(page, "double-click-intake-phone")
    assert Case.objects.count() == 1


def test_two_posts_of_one_form_open_one_case_even_without_the_script(open_page):
    CaseworkerFactory(username="casey")
    page = open_page(phone=True)
    login(page, "casey", PASSWORD)
    fill_intake(page)

    # form.submit() skips the submit event, and with it the script that disables the button.
    page.evaluate(
        """() => {
            const form = document.querySelector("#id_customer-name").form;
            const copy = new FormData(form);
            fetch(form.action || location.href, {method: "POST", body: copy, credentials: "same-origin"});
            form.submit();
        }"""
    )

    expect(page.locator(".alert-success").first).to_contain_text("opened", timeout=20_000)
    assert Case.objects.count() == 1


def test_a_double_tap_on_send_my_message_sends_one_referral(open_page):
    visitor = open_page(phone=True)
    visitor.goto("/refer/")
    visitor.get_by_label("I am the customer").check()
    visitor.get_by_label("Your name").fill("Robin Hayes")
    visitor.get_by_role("textbox", name="E-mail").fill("robin@example.com")
    visitor.locator("[name=contact_by][value=email]").check()
    visitor.get_by_role("textbox", name="The business").fill("Sunrise Coffee")
    visitor.get_by_label("Roughly when did it happen?").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    visitor.get_by_label("Where did it happen?").fill("Main Street branch")
    visitor.get_by_label("What happened, in your own words").fill("I lost my temper with a barista.")
    visitor.locator("[name=police][value=no]").check()
    visitor.get_by_label("I agree that the Peaceful Leadership Institute may contact me").check()
    visitor.get_by_label("I have read the privacy notice above.").check()

    visitor.get_by_role("button", name="Send my message").dblclick(delay=40)

    expect(visitor.locator("h1")).to_be_visible()
    visitor.wait_for_load_state("networkidle")
    assert Referral.objects.count() == 1
