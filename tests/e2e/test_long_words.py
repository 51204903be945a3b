"""A long unbroken word or a pasted address in what people write never makes a page scroll sideways."""

import pytest

from cases import links
from reconciliation import services
from tests.factories import CaseworkerFactory, full_case
from tests.reconciliation.journey import ANSWERS

from .browser import PASSWORD, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "https://example.com/" + "a" * 300 + " and " + "Ü" * 200


def scrolls_sideways(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")


def test_long_words_wrap_on_a_phone_in_the_portal_and_on_the_case_page(open_page):
    caseworker = CaseworkerFactory(username="casey")
    case = full_case(caseworker=caseworker)
    services.reflection_submit(case=case, answers={**ANSWERS, "regrets": LONG, "what_happened": LONG}, by=caseworker)
    customer = case.participants.get(role="customer")
    _link, token = links.link_issue(participant=customer, by=None)

    page = open_page(phone=True)
    page.goto(links.portal_path(token) + "reflection/")
    screenshot(page, "long-words-portal-phone")
    assert scrolls_sideways(page) <= 0

    login(page, "casey", PASSWORD)
    page.goto(case.get_absolute_url())
    screenshot(page, "long-words-case-phone")
    assert scrolls_sideways(page) <= 0
