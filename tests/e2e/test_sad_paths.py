"""What goes wrong, in a real browser: old links, a declined shift, a refused form, someone else's case."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from cases import links
from cases.models import Participant
from reconciliation.models import RoleSwapShift
from tests.factories import CaseworkerFactory, full_case
from tests.reconciliation.journey import propose_shift, soon, walk_to_role_swap

from .browser import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def link(participant: Participant) -> str:
    _link, token = links.link_issue(participant=participant, by=None)
    return links.portal_path(token)


def test_an_expired_link_shows_a_kind_page_with_the_way_to_a_new_one(open_page):
    case = full_case(caseworker=CaseworkerFactory(username="casey"))
    path = link(case.participants.get(role="customer"))
    page = open_page(phone=True)

    with time_machine.travel(timezone.now() + timedelta(days=31), tick=True):
        response = page.goto(path)

    assert response.status == 404
    expect(page.get_by_role("heading", name="This link does not work any more")).to_be_visible()
    expect(page.get_by_text("How to get a new link")).to_be_visible()
    expect(page.get_by_text(case.reference)).to_have_count(0)
    screenshot(page, "portal-link-not-working-phone")


def test_the_business_declines_one_shift_and_proposes_another_time_for_the_next(open_page):
    caseworker = CaseworkerFactory(username="casey")
    case = full_case(caseworker=caseworker)
    walk_to_role_swap(case, caseworker)
    first, second = (
        propose_shift(case, caseworker, start=h, end=h + 4, role="Cashier", location="Front", supervisor_on_site="Dana")
        for h in (48, 96)
    )
    page = open_page()
    page.goto(link(case.participants.get(role="business")) + "shifts/")

    page.locator("section", has_text="Waiting for your answer").first.get_by_role(
        "button", name="Decline this shift"
    ).click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("section").first).to_contain_text("Please answer this one: we need it to send your answer.")
    page.locator("section").first.get_by_label("Why can this shift not go ahead?").fill("Inventory day")
    page.locator("section").first.get_by_role("button", name="Decline this shift").click()
    expect(page.locator(".alert-success")).to_contain_text("declined")

    other = timezone.localtime(soon(120))
    proposed = page.locator("section", has_text="Waiting for your answer")
    proposed.get_by_label("Another time: starts").fill(other.strftime("%Y-%m-%dT%H:%M"))
    proposed.get_by_label("Another time: ends").fill((other + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    proposed.get_by_role("button", name="Propose this other time").click()
    expect(page.locator(".alert-success")).to_contain_text("time you proposed")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.decline_reason) == (RoleSwapShift.State.DECLINED, "Inventory day")
    assert second.state == RoleSwapShift.State.COUNTER_PROPOSED


def test_a_refused_reflection_keeps_everything_the_customer_typed(open_page):
    case = full_case(caseworker=CaseworkerFactory(username="casey"))
    page = open_page(phone=True)
    page.goto(link(case.participants.get(role="customer")) + "reflection/")

    page.get_by_label("What was happening for you that day?").fill("A very long day <b>at work</b>.")
    page.get_by_label("What do you regret?").fill("Everything I said.")
    page.get_by_role("button", name="Submit").click()

    expect(page.locator("#error-summary")).to_contain_text("Please answer every question before submitting")
    expect(page.get_by_label("What was happening for you that day?")).to_have_value("A very long day <b>at work</b>.")
    expect(page.get_by_label("What do you regret?")).to_have_value("Everything I said.")
    screenshot(page, "portal-reflection-refused-phone")


def test_the_reflection_form_works_with_the_keyboard_alone(open_page):
    case = full_case(caseworker=CaseworkerFactory(username="casey"))
    page = open_page()
    page.goto(link(case.participants.get(role="customer")) + "reflection/")
    page.get_by_label("What was happening for you that day?").focus()

    for answer in ("Tired.", "Angry.", "A hard shift.", "Shouting.", "Sorry."):
        page.keyboard.type(answer)
        page.keyboard.press("Tab")
    expect(page.get_by_label("For example, a letter you wrote")).to_be_focused()  # the optional file
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Submit")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".alert-success").first).to_contain_text("submitted")
    assert case.reflection.what_happened == "Tired."


def test_a_caseworker_cannot_open_another_caseworkers_case(open_page):
    theirs = full_case(caseworker=CaseworkerFactory(username="jordan"))
    CaseworkerFactory(username="casey")
    page = open_page()
    login(page, "casey")

    response = page.goto(f"/cases/{theirs.reference}/")

    assert response.status == 404
    expect(page.get_by_text(theirs.reference)).to_have_count(0)
