"""A customer who gave only a phone number: their personal link comes by text, and they write the reflection.

The caseworker opens the case through intake with the customer's number and "Text message",
presses "Text a link" on the case page; the test reads the link from the text (the locmem
backend's outbox, as it reads e-mails from the mail outbox), and the customer, on a phone,
writes and submits the reflection.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, Participant
from notifications import sms
from reconciliation.models import Reflection
from tests.factories import CaseworkerFactory

from .browser import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_with_only_a_phone_gets_their_link_by_text_and_writes_the_reflection(open_page, settings):
    settings.SMS_QUIET_HOURS = ""  # the test runs at any hour
    CaseworkerFactory(username="casey", first_name="Casey", last_name="Rivera")
    staff = open_page()
    login(staff, "casey")

    staff.goto("/cases/new/")
    occurred = timezone.localtime(timezone.now() - timedelta(days=2))
    staff.fill("#id_incident-occurred_at", occurred.strftime("%Y-%m-%dT%H:%M"))
    staff.fill("#id_incident-location", "Front counter")
    staff.fill("#id_incident-description", "Swore at the cashier over a refund.")
    staff.select_option("#id_incident-severity", "verbal")
    staff.select_option("#id_incident-source", "self")
    staff.fill("#id_business-name", "Corner Bakery")
    staff.fill("#id_customer-name", "Robin Vega")
    staff.fill("#id_customer-phone", "212 555 0142")
    staff.select_option("#id_customer-channel", "sms")
    staff.select_option("#id_customer-preferred_language", "es")
    staff.get_by_role("button", name="Open the case").click()
    expect(staff.locator(".alert-success").first).to_contain_text("opened")
    expect(staff.locator("#links")).to_contain_text("(212) 555-0142 · messages by text message")
    screenshot(staff, "case-detail-texts-desktop")

    staff.locator("#links li", has_text="Robin Vega").get_by_role("button", name="Text a link").click()
    expect(staff.locator(".alert-success").first).to_contain_text("on its way to Robin Vega: (212) 555-0142 by text")
    text = next(message for message in reversed(sms.outbox) if message.to == "+12125550142")
    assert "¿Dudas? Casey" in text.body
    link = re.search(r"https?://[^/\s]+(/p/[\w-]+/)", text.body).group(1)

    customer = open_page(phone=True)
    customer.goto(link)
    expect(customer.locator("body")).to_contain_text("Te escribimos por mensaje de texto.")
    customer.get_by_role("link", name=re.compile("reflexión", re.IGNORECASE)).first.click()
    for field in customer.locator("form textarea").all():
        field.fill("Lo siento de verdad.")
    screenshot(customer, "portal-reflection-texts-phone")
    customer.get_by_role("button", name="Enviar").click()
    expect(customer.locator(".alert-success").first).to_be_visible()

    case = Case.objects.get(participants__name="Robin Vega")
    assert case.reflection.state == Reflection.State.SUBMITTED
    assert case.participants.get(role=Participant.Role.CUSTOMER).email == ""
