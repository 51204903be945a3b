"""A customer answers a questionnaire on a phone, in Spanish, through their personal link."""

import pytest
from playwright.sync_api import expect

from cases import links
from cases.models import CaseEvent, Participant
from cases.services import event_record
from demo.questionnaires import seed_demo_questionnaires
from questionnaires.models import Answer, Invitation, ResearchConsent
from tests.factories import CaseworkerFactory, SupervisorFactory, full_case

from .browser import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_answers_the_questions_on_a_phone_in_spanish(open_page):
    seed_demo_questionnaires(SupervisorFactory(username="sam"))
    caseworker = CaseworkerFactory(username="casey")
    case = full_case(caseworker=caseworker)
    customer = case.participants.get(role=Participant.Role.CUSTOMER)
    Participant.objects.filter(pk=customer.pk).update(preferred_language="es")
    event_record(case=case, kind=CaseEvent.Kind.OPENED, message="Case opened.", by=caseworker)
    _link, token = links.link_issue(participant=customer, by=None)
    page = open_page(phone=True)

    page.goto(links.portal_path(token))
    page.get_by_role("link", name="Unas preguntas para ti, si quieres responderlas.").click()
    expect(page.get_by_role("heading", name="Cómo lo ves ahora")).to_be_visible()
    assert_accessible(page, "portal-questions-phone-es")

    understanding = page.get_by_role("group", name="¿Cuánto entiendes lo que estaba viviendo")
    understanding.get_by_text("4", exact=True).click()
    calm = page.get_by_role("group", name="¿cuánta confianza tienes en mantener la calma?")
    calm.get_by_text("7", exact=True).click()
    page.get_by_label("Pena por lo que vivió").check()
    page.get_by_label("¿Hay algo más que quieras contarnos?").fill("Ahora entiendo mejor su día.")
    page.get_by_label("Sí, también para la investigación").check()
    screenshot(page, "portal-questions-phone-es")
    page.get_by_role("button", name="Enviar mis respuestas").click()

    expect(page.locator(".alert-success")).to_contain_text("Gracias. Tus respuestas están guardadas.")
    expect(page.get_by_text("No tienes preguntas pendientes. Gracias.")).to_be_visible()
    invitation = Invitation.objects.get(participant=customer)
    assert invitation.state == Invitation.State.ANSWERED
    assert sorted(
        Answer.objects.filter(invitation=invitation).exclude(number=None).values_list("number", flat=True)
    ) == [4, 7]
    assert ResearchConsent.objects.get(participant=customer).agreed
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone


def test_skipping_the_questions_on_a_phone_is_one_tap(open_page):
    seed_demo_questionnaires(SupervisorFactory(username="sam"))
    caseworker = CaseworkerFactory(username="casey")
    case = full_case(caseworker=caseworker)
    customer = case.participants.get(role=Participant.Role.CUSTOMER)
    event_record(case=case, kind=CaseEvent.Kind.OPENED, message="Case opened.", by=caseworker)
    _link, token = links.link_issue(participant=customer, by=None)
    page = open_page(phone=True)

    page.goto(links.portal_path(token) + "questions/")
    page.get_by_role("button", name="Skip these questions").click()

    expect(page.locator(".alert-success")).to_contain_text("we will not ask these questions again")
    assert Invitation.objects.get(participant=customer).state == Invitation.State.SKIPPED
