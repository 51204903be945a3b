"""The whole journey in a real browser, as the people involved do it.

The caseworker opens a case through intake and e-mails each participant their personal link
(the tests take the links from those e-mails);
the customer (on a phone), the staff member and the business use their links; the case ends
completed, with the whole story on its timeline.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tests.factories import CaseworkerFactory

from .browser import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def open_case_through_intake(page) -> str:
    page.goto("/cases/new/")
    page.fill("#id_incident-occurred_at", local(timezone.now() - timedelta(days=5)))
    page.fill("#id_incident-location", "Checkout line")
    page.fill("#id_incident-description", "Shouted at the cashier about a coupon and filmed her.")
    page.select_option("#id_incident-severity", "verbal")
    page.select_option("#id_incident-source", "business")
    page.fill("#id_business-name", "Corner Bakery")
    page.fill("#id_business-contact_name", "Ana Ruiz")
    page.fill("#id_representative-name", "Ana Ruiz")
    page.fill("#id_representative-email", "ana@bakery.example")
    page.fill("#id_customer-name", "Alex Morgan")
    page.fill("#id_customer-email", "alex@example.com")
    page.fill("#id_agents-0-name", "Jamie Chen")
    page.fill("#id_agents-0-email", "jamie@staff.example")
    screenshot(page, "intake-desktop")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".alert-success").first).to_contain_text("opened")
    return page.locator("h1").inner_text()


def personal_link(page, mailoutbox, reference: str, name: str, email: str) -> str:
    """The caseworker e-mails the participant a link; the link is read from that e-mail."""
    page.goto(f"/cases/{reference}/")
    page.locator("#links li", has_text=name).get_by_role("button", name="E-mail a link").click()
    expect(page.locator(".alert-success").first).to_contain_text(f"on its way to {name}")
    message = next(m for m in reversed(mailoutbox) if email in m.to[0])
    path = re.search(r"https?://[^/\s]+(/p/[\w-]+/)", message.body).group(1)
    return path


def act(page, step: int, button: str) -> None:
    page.locator(f"#step-{step}").get_by_role("button", name=button).click()
    expect(page.locator(".alert-success").first).to_be_visible()


def test_a_case_from_intake_to_completed(open_page, mailoutbox):
    CaseworkerFactory(username="casey", first_name="Casey", last_name="Rivera")
    staff = open_page()
    login(staff, "casey")
    reference = open_case_through_intake(staff)
    screenshot(staff, "case-detail-desktop")

    customer_link = personal_link(staff, mailoutbox, reference, "Alex Morgan", "alex@example.com")
    agent_link = personal_link(staff, mailoutbox, reference, "Jamie Chen", "jamie@staff.example")
    business_link = personal_link(staff, mailoutbox, reference, "Ana Ruiz", "ana@bakery.example")

    # The customer writes and submits the reflection on a phone.
    customer = open_page(phone=True)
    customer.goto(customer_link)
    screenshot(customer, "portal-home-phone")
    customer.get_by_role("link", name="Write your reflection.").click()
    customer.get_by_label("What was happening for you that day?").fill("I had lost my job that morning.")
    customer.get_by_label("What did you feel, before, during and after?").fill("Angry, then ashamed.")
    customer.get_by_label("What might the staff member have been going through?").fill("A long shift alone.")
    customer.get_by_label("What do you regret?").fill("Shouting and filming her.")
    screenshot(customer, "portal-reflection-phone")
    customer.get_by_role("button", name="Submit").click()
    expect(customer.locator(".alert-success").first).to_contain_text("submitted")

    # The staff member agrees to take part.
    agent = open_page(phone=True)
    agent.goto(agent_link)
    agent.get_by_role("link", name="Tell us whether you would like to take part.").click()
    agent.get_by_label("Yes, I would like to take part").check()
    agent.get_by_role("button", name="Send my answer").click()
    expect(agent.locator(".alert-success").first).to_be_visible()

    # The caseworker reviews the reflection and drafts the plan.
    staff.goto(f"/cases/{reference}/")
    expect(staff.locator("#h-from")).to_be_visible()
    act(staff, 1, "Mark as reviewed")
    staff.fill("#step-2 [name=goals_redemption]", "Take the video down and apologise publicly.")
    staff.fill("#step-2 [name=goals_empathy]", "Work the registers during the morning rush.")
    staff.fill("#step-2 [name=goals_reconciliation]", "Meet Jamie if she wishes.")
    staff.fill("#step-2 [name=role_swap_hours]", "4")
    act(staff, 2, "Save plan")
    expect(staff.locator("#step-2")).to_contain_text("0 of 3 sign-offs")

    # Customer, staff member and business agree through their links.
    for page, link, name in ((customer, customer_link, "Alex Morgan"), (agent, agent_link, "Jamie Chen")):
        page.goto(link)
        page.get_by_role("link", name="Read the plan and tell us whether you agree.").click()
        page.get_by_label("I agree to this plan").check()
        page.get_by_label("To agree, type your full name here").fill(name)  # the signature
        page.get_by_role("button", name="Send my answer").click()
        expect(page.locator(".alert-success").first).to_be_visible()
    business = open_page()
    business.goto(business_link)
    business.get_by_role("link", name="Read the plan and tell us whether you agree.").click()
    business.get_by_label("I agree to this plan").check()
    business.get_by_label("To agree, type your full name here").fill("Ana Ruiz")
    business.get_by_role("button", name="Send my answer").click()
    staff.goto(f"/cases/{reference}/")
    expect(staff.locator("#step-2")).to_contain_text("Done")

    # A shift: proposed by the caseworker, confirmed by the business, attended after it happened.
    start = (timezone.now() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    staff.fill("#step-3 [name=starts_at]", local(start))
    staff.fill("#step-3 [name=ends_at]", local(start + timedelta(hours=4)))
    staff.fill("#step-3 [name=role]", "Cashier")
    staff.fill("#step-3 [name=location]", "Corner Bakery, front counter")
    staff.fill("#step-3 [name=supervisor_on_site]", "Ana Ruiz")
    act(staff, 3, "Propose shift")
    business.goto(business_link)
    business.get_by_role("link", name="Confirm or answer the proposed shifts.").click()
    screenshot(business, "portal-shifts-desktop")
    business.get_by_role("button", name="Confirm this shift").click()
    expect(business.locator(".alert-success").first).to_contain_text("confirmed")
    with time_machine.travel(start + timedelta(hours=5), tick=True):
        business.goto(business_link)
        business.get_by_role("link", name="Role-swap shifts").click()
        business.get_by_label("Yes, they worked the shift").check()
        business.get_by_label("Time worked: hours").fill("4")
        business.get_by_label("How did it go? (optional)").fill("Patient with every customer.")
        business.get_by_role("button", name="Record attendance").click()
        expect(business.locator(".alert-success").first).to_contain_text("attendance")

        # The meeting: scheduled, then held and its outcome recorded.
        staff.goto(f"/cases/{reference}/")
        expect(staff.locator("#step-3")).to_contain_text("Done")
        meeting_at = timezone.now() + timedelta(days=1)
        staff.fill("#step-4 [name=scheduled_at]", local(meeting_at))
        staff.fill("#step-4 [name=location]", "PLI office, room 2")
        staff.fill("#step-4 [name=facilitator]", "Sam Okafor")
        act(staff, 4, "Save")
    with time_machine.travel(meeting_at + timedelta(hours=2), tick=True):
        staff.goto(f"/cases/{reference}/")
        staff.fill("#step-4 [name=minutes]", "80")
        staff.locator("#step-4").get_by_label("The customer expressed gratitude").check()
        staff.locator("#step-4").get_by_label("The customer expressed acknowledgment").check()
        staff.locator("#step-4").get_by_label("The customer expressed ownership").check()
        staff.fill("#step-4 [name=notes]", "Alex apologised; Jamie thanked Alex for the shifts.")
        act(staff, 4, "Record outcome")

        # Commitments: written by the caseworker, agreed by the customer on the phone.
        staff.fill("#step-5 [name=commitments]", "Step away and breathe before answering.")
        staff.fill("#step-5 [name=off_limits]", "Filming staff; raising my voice at workers.")
        act(staff, 5, "Save")
        customer.goto(customer_link)
        customer.get_by_role("link", name="Read and agree to your commitments.").click()
        customer.get_by_label("To agree, type your full name here").fill("Alex Morgan")
        customer.get_by_role("button", name="I agree to these commitments").click()
        expect(customer.locator(".alert-success").first).to_contain_text("completed the program")

        staff.goto(f"/cases/{reference}/")
        expect(staff.locator("h1 + div, .badge").first).to_be_visible()
        expect(staff.get_by_text("Completed", exact=True).first).to_be_visible()
        timeline = staff.locator(".timeline").inner_text()
        screenshot(staff, "case-completed-desktop")

    for story in (
        "Case opened for Alex Morgan",
        "The reflection was submitted for review.",
        "Plan version 1 drafted",
        "agreed to plan version 1",
        "Shift proposed",
        "confirmed by the business",
        "attended, 4 hours",
        "Meeting held",
        "The customer agreed to the commitments.",
        "the case is completed",
    ):
        assert story in timeline, story
    assert Case.objects.get(reference=reference).status == Case.Status.COMPLETED
