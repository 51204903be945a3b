"""The case's documents as PDFs: the plan as agreed with every signature, the commitments, and a
completion letter; in the participant's language; for staff who may see the case."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import links
from cases.models import Case
from casework import documents, services
from casework.models import Signature
from reconciliation.models import Commitment
from tests.factories import full_case
from tests.reconciliation.journey import PLAN, person, walk_to_role_swap

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _download(client, case, kind, **params):
    return client.get(reverse("casework:document", args=[case.reference, kind]), params)


def test_the_plan_pdf_has_the_reference_the_version_the_goals_and_each_signature(caseworker_client, caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    customer = person(case, "customer")
    Signature.objects.create(
        case=case, participant=customer, document="plan", version=1, typed_name=customer.name
    )

    response = _download(caseworker_client, case, "plan")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{case.reference}-plan.pdf"'
    text = text_of(response.content)
    assert case.reference in text
    assert "Version 1 of the plan" in text
    assert PLAN["goals_empathy"] in text
    assert customer.name in text
    assert "Signed by typing their name" in text
    assert "recorded by their caseworker" in text  # the others' yes was recorded for them
    assert "not yet agreed" not in text


def test_the_plan_pdf_is_in_the_customers_language(caseworker_client, caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker, customer__preferred_language="es"), caseworker)

    text = text_of(_download(caseworker_client, case, "plan").content)
    english = text_of(_download(caseworker_client, case, "plan", language="en").content)

    assert "Versión 1 del plan" in text
    assert "Version 1 of the plan" in english


def test_the_commitments_and_the_completion_letter_come_when_the_case_is_there(caseworker_client, caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)

    assert _download(caseworker_client, case, "commitments").status_code == 404
    assert _download(caseworker_client, case, "completion").status_code == 404
    assert _download(caseworker_client, case, "nonsense").status_code == 404

    Commitment.objects.create(case=case, commitments="Speak calmly.", off_limits="Threats.")
    text = text_of(_download(caseworker_client, case, "commitments").content)
    assert "Speak calmly." in text
    assert "Not signed yet." in text

    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED)
    letter = text_of(_download(caseworker_client, case, "completion").content)
    assert "completed the Customer Compassion Project" in letter
    assert person(case, "customer").name in letter


def test_nobody_who_may_not_see_the_case_gets_its_documents(client, caseworker, outsider_caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)

    client.force_login(outsider_caseworker)

    assert _download(client, case, "plan").status_code == 404


def test_the_case_page_lists_the_documents_the_case_has(caseworker_client, caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)

    page = caseworker_client.get(case.get_absolute_url()).content.decode()

    assert reverse("casework:document", args=[case.reference, "plan"]) in page
    assert reverse("casework:document", args=[case.reference, "completion"]) not in page


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("Alex Rivera", True),
        ("  alex   RIVERA ", True),
        ("Álex Rivera", True),
        ("Alex", False),
        ("Alex Riviera", False),
        ("", False),
    ],
)
def test_a_typed_signature_must_be_the_full_name(typed, matches):
    assert services.names_match(typed, "Alex Rivera") is matches


def test_documents_available_follow_the_case(caseworker):
    case = full_case(caseworker=caseworker)
    assert documents.available(case) == []
    case.step = Case.Step.COMMITMENTS
    assert documents.available(case) == ["plan", "commitments"]
    case.status = Case.Status.COMPLETED
    assert documents.available(case) == ["plan", "commitments", "completion"]


def test_the_customer_downloads_their_documents_once_the_case_is_complete(client, caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker, customer__preferred_language="es"), caseworker)
    Commitment.objects.create(case=case, commitments="Respirar.", off_limits="Amenazas.")
    _link, token = links.link_issue(participant=person(case, "customer"), by=None)
    _other, business_token = links.link_issue(participant=person(case, "business"), by=None)

    def get(kind, key=token):
        return client.get(reverse("portal:document", kwargs={"token": key, "kind": kind}))

    assert get("completion").status_code == 404  # not yet: a kind page in their language
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED)

    letter = get("completion")
    assert letter.status_code == 200
    assert letter["Content-Disposition"] == f'attachment; filename="{case.reference}-completion.pdf"'
    assert "Carta de finalización" in text_of(letter.content)
    assert "Respirar." in text_of(get("commitments").content)
    assert get("nonsense").status_code == 404
    assert get("plan", business_token).status_code == 404  # the customer's alone
    page = client.get(reverse("portal:commitments", kwargs={"token": token})).content.decode()
    assert reverse("portal:document", kwargs={"token": token, "kind": "completion"}) in page
