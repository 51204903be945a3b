"""The staff member who was hurt, in a real browser: saying "don't contact me" from a reminder, and
personal time with the customer, agreed by both on their phones and logged by the caseworker."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from cases import links
from cases.models import Participant
from notifications.models import Reminder
from reconciliation import services
from reconciliation.models import PersonalTime
from tests.factories import CaseworkerFactory, full_case
from tests.notifications.reminder_helpers import dispatch_at
from tests.reconciliation.journey import PLAN, walk_to_plan, walk_to_role_swap

from .browser import assert_accessible, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def link(participant: Participant) -> str:
    _link, token = links.link_issue(participant=participant, by=None)
    return links.portal_path(token)


def test_the_staff_member_says_dont_contact_me_from_a_reminder_and_nothing_more_is_sent(open_page, mailoutbox):
    caseworker = CaseworkerFactory(username="casey")
    case = full_case(caseworker=caseworker)
    walk_to_plan(case, caseworker)
    services.plan_create_version(case=case, by=caseworker, **PLAN)
    agent = case.participants.get(role="agent")
    dispatch_at(timezone.now() + timedelta(minutes=1))
    message = next(m for m in mailoutbox if agent.email in m.to[0])
    stop = re.search(r"If you don't want to be contacted again:\s+(\S+)", message.body).group(1)

    page = open_page(phone=True)
    page.goto(path_of(stop))
    expect(page.get_by_role("heading", name="I don't want to be contacted")).to_be_visible()
    screenshot(page, "portal-stop-from-reminder-phone")
    page.get_by_role("button", name="Yes, please do not contact me").click()

    expect(page.locator(".alert-success").first).to_contain_text("We will not contact you again")
    expect(page.get_by_text("You asked us not to contact you")).to_be_visible()
    assert_accessible(page, "portal-after-stop")
    agent.refresh_from_db()
    assert agent.contact_stopped_at is not None
    assert agent.no_contact
    assert not Reminder.objects.filter(participant=agent, state=Reminder.State.SCHEDULED).exists()

    staff = open_page()
    login(staff, "casey")
    staff.goto(case.get_absolute_url())
    expect(staff.get_by_text("Asked not to be contacted").first).to_be_visible()


def test_personal_time_agreed_by_both_on_their_phones_and_logged(open_page):
    caseworker = CaseworkerFactory(username="casey")
    case = full_case(caseworker=caseworker)
    walk_to_role_swap(case, caseworker, personal_time_with_agent=True, role_swap_hours=Decimal(4))
    agent, customer = case.participants.get(role="agent"), case.participants.get(role="customer")
    agent_page, customer_page = open_page(phone=True), open_page(phone=True)

    # The staff member says, on their own page, that they are open to it.
    agent_page.goto(link(agent))
    agent_page.get_by_role("link", name="Personal time").click()
    agent_page.get_by_label("Yes, I am open to it").check()
    agent_page.get_by_role("button", name="Send my answer").click()
    expect(agent_page.locator(".alert-success").first).to_contain_text("You are open to personal time")

    # The caseworker proposes a time on the case page.
    staff = open_page()
    login(staff, "casey")
    staff.goto(case.get_absolute_url())
    start = (timezone.now() + timedelta(days=3)).replace(hour=17, minute=0, second=0, microsecond=0)
    panel = staff.locator("#step-3")
    panel.locator("summary", has_text="Propose personal time").click()
    staff.fill("#id_personal_time_propose_starts_at", local(start))
    staff.fill("#id_personal_time_propose_ends_at", local(start + timedelta(hours=1)))
    staff.fill("#id_personal_time_propose_activity", "A coffee after work")
    staff.fill("#id_personal_time_propose_location", "Corner café, Main St")
    panel.get_by_role("button", name="Propose personal time").click()
    expect(staff.locator(".alert-success").first).to_contain_text("Personal time proposed")

    # Each says yes on their phone.
    for page, person in ((customer_page, customer), (agent_page, agent)):
        page.goto(link(person))
        page.get_by_role("link", name="Say whether the proposed personal time suits you.").click()
        screenshot(page, f"portal-personal-time-{person.role}-phone")
        page.get_by_role("button", name="Yes, this suits me").click()
        expect(page.locator(".alert-success").first).to_contain_text("your yes is recorded")
    time = PersonalTime.objects.get(case=case)
    assert time.state == PersonalTime.State.AGREED
    expect(agent_page.get_by_text("You both said yes: it is on.")).to_be_visible()

    # Afterwards the caseworker logs it, and the customer adds a few words.
    with time_machine.travel(start + timedelta(hours=2), tick=True):
        staff.goto(case.get_absolute_url())
        staff.fill(f"#id_personal_time_log_{time.pk}_minutes", "70")
        staff.locator("#step-3").get_by_role("button", name="Log").click()
        expect(staff.locator(".alert-success").first).to_contain_text("Personal time logged")
        expect(staff.locator("#step-3")).to_contain_text("Lasted 70 minutes.")
        screenshot(staff, "case-personal-time-desktop")

        customer_page.goto(link(customer))
        customer_page.get_by_role("link", name="Personal time").click()
        customer_page.get_by_label("A few words about it, if you wish").fill("It helped to hear about her day.")
        customer_page.get_by_role("button", name="Save my words").click()
        expect(customer_page.locator(".alert-success").first).to_contain_text("Thank you for your words")
        assert_accessible(customer_page, "portal-personal-time-words")
    time.refresh_from_db()
    assert (time.state, time.minutes, time.customer_words) == (
        PersonalTime.State.HELD,
        70,
        "It helped to hear about her day.",
    )
