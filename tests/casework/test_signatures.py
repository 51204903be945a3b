"""Signing in the portal: a participant agrees to a plan version, or the customer to their
commitments, by typing their full name under the text; the name, the time and the version are
recorded and shown in the PDF. A name that does not match asks again kindly and changes nothing."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import links
from cases.models import Case
from casework import documents
from casework.models import Signature
from reconciliation import services as steps
from reconciliation.models import PlanSignoff
from tests.factories import full_case
from tests.reconciliation.journey import PLAN, person, walk_to_plan

pytestmark = pytest.mark.django_db


def _url(case, role, page) -> str:
    _link, token = links.link_issue(participant=person(case, role), by=None)
    return reverse(f"portal:{page}", kwargs={"token": token})


@pytest.fixture
def plan_case(caseworker):
    case = walk_to_plan(full_case(caseworker=caseworker, customer__name="José García"), caseworker)
    case.plan = steps.plan_create_version(case=case, by=caseworker, **PLAN)
    return case


def test_the_customer_signs_the_plan_by_typing_their_name(client, plan_case):
    response = client.post(
        _url(plan_case, "customer", "plan"),
        {"plan": plan_case.plan.pk, "decision": "agreed", "signature": "  jose   garcia "},
    )

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.participant, signature.document, signature.version) == (
        person(plan_case, "customer"),
        "plan",
        1,
    )
    assert signature.typed_name == "jose garcia"
    assert PlanSignoff.objects.get().decision == "agreed"
    text = " ".join(documents.render_html(plan_case, "plan", language="en").split())
    assert "jose garcia" in text
    assert "(version 1)" in text


def test_a_name_that_does_not_match_asks_again_and_records_nothing(client, plan_case):
    response = client.post(
        _url(plan_case, "customer", "plan"),
        {"plan": plan_case.plan.pk, "decision": "agreed", "signature": "Jose"},
    )

    assert response.status_code == 400
    assert "not quite the name we have for you" in response.content.decode()
    assert not PlanSignoff.objects.exists()
    assert not Signature.objects.exists()


def test_asking_for_changes_needs_no_signature(client, plan_case):
    response = client.post(
        _url(plan_case, "customer", "plan"),
        {"plan": plan_case.plan.pk, "decision": "changes_requested", "comment": "Fewer hours, please."},
    )

    assert response.status_code == 302
    assert PlanSignoff.objects.get().decision == "changes_requested"
    assert not Signature.objects.exists()


def test_a_spanish_speaker_is_asked_again_in_spanish(client, caseworker):
    case = walk_to_plan(full_case(caseworker=caseworker, customer__preferred_language="es"), caseworker)
    plan = steps.plan_create_version(case=case, by=caseworker, **PLAN)

    response = client.post(_url(case, "customer", "plan"), {"plan": plan.pk, "decision": "agreed", "signature": "X"})

    assert "Ese no es exactamente el nombre que tenemos para ti" in response.content.decode()


def test_the_customer_signs_the_commitments_and_the_pdf_shows_it(client, caseworker, supervisor):
    case = full_case(caseworker=caseworker)
    for step in range(1, 5):
        steps.step_skip(case=case, step=step, reason="Test", by=supervisor)
    steps.commitments_draft(case=case, commitments="Breathe first.", off_limits="Threats.", by=caseworker)
    page = _url(case, "customer", "commitments")
    name = person(case, "customer").name

    wrong = client.post(page, {"signature": "Someone Else"})
    case.refresh_from_db()
    assert wrong.status_code == 400
    assert case.status == Case.Status.OPEN
    assert 'value="Someone Else"' in wrong.content.decode()  # what was typed stays

    client.post(page, {"signature": name})
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    pdf = documents.render_pdf(case, "commitments", language="en")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert name in text
    assert "Signed by typing their name" in text
