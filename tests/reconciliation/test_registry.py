"""The program is its registry of steps: a program with one step more works with no other change.

The step below is what docs/adding-a-step.md describes: a module's worth of code (here, in the
test) and a line in the list of steps. The case walks through it on the case page like any other.
"""

from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from cases.models import Case, CaseEvent
from cases.services import event_record
from reconciliation import forms, program, services, workflow
from reconciliation.models import CheckIn
from reconciliation.registry import REGISTRY, Action, Offer, Registry, Step
from tests.factories import full_case

LETTER_SENT = "Thank-you letter sent to the staff member."


def missing(snap) -> list[str]:
    if snap.case.events.filter(kind=CaseEvent.Kind.NOTE, message=LETTER_SENT).exists():
        return []
    return ["The thank-you letter has not been sent."]


class LetterForm(forms.StepForm):
    """Nothing to fill in."""


@transaction.atomic
def letter_sent(*, case: Case, by) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    workflow.check_case_active(case)
    workflow.check_step(case, "thank-you-letter")
    event_record(case=case, kind=CaseEvent.Kind.NOTE, message=LETTER_SENT, by=by)
    return workflow.advance(case, by=by)


def offer(panel: Offer) -> None:
    panel.add("letter-sent", LetterForm)


LETTER = Step(
    slug="thank-you-letter",
    label="Thank-you letter",
    missing=missing,
    panel_template="tests/letter_panel.html",
    actions={
        "letter-sent": Action(
            LetterForm, lambda case, data, user: letter_sent(case=case, by=user), "The letter is recorded."
        )
    },
    offer=offer,
)


@pytest.fixture
def program_with_a_letter(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}
    ]
    with REGISTRY.replaced([*program.STEPS, LETTER]):
        yield REGISTRY


def at_commitments(caseworker, supervisor) -> Case:
    case = full_case(caseworker=caseworker)
    for _ in range(4):
        case.refresh_from_db()
        services.step_skip(case=case, step=case.step, reason="Covered in the intake meeting.", by=supervisor)
    case.refresh_from_db()
    services.commitments_draft(case=case, commitments="Be kind.", off_limits="Shouting.", by=caseworker)
    return case


def test_the_program_is_the_five_steps_in_order():
    assert [(step.number, step.slug) for step in REGISTRY] == [
        (1, "reflection"),
        (2, "plan"),
        (3, "role-swap"),
        (4, "meeting"),
        (5, "commitments"),
    ]


def test_a_step_more_is_walked_like_the_others(program_with_a_letter, caseworker, supervisor, client):
    case = at_commitments(caseworker, supervisor)

    services.commitments_agree(case=case, by=caseworker)

    case.refresh_from_db()
    assert (case.step, case.status) == (6, Case.Status.OPEN)
    assert case.events.filter(message="Step 5 done; the case moves to step 6: Thank-you letter.").exists()
    assert not CheckIn.objects.filter(case=case).exists()

    client.force_login(caseworker)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Step 6: Thank-you letter" in page
    assert "The thank-you letter has not been sent." in page
    assert reverse("reconciliation:act", args=[case.reference, "letter-sent"]) in page

    response = client.post(reverse("reconciliation:act", args=[case.reference, "letter-sent"]))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    assert CheckIn.objects.filter(case=case).count() == 3


def test_the_action_of_a_step_more_is_refused_before_its_step(program_with_a_letter, caseworker, client):
    case = full_case(caseworker=caseworker)
    client.force_login(caseworker)

    response = client.post(reverse("reconciliation:act", args=[case.reference, "letter-sent"]), follow=True)

    assert response.status_code == 400
    assert "this belongs to thank-you letter" in response.content.decode()
    assert not case.events.filter(message=LETTER_SENT).exists()


def test_without_the_step_its_action_is_not_there(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)

    response = caseworker_client.post(reverse("reconciliation:act", args=[case.reference, "letter-sent"]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "at least one step"),
        ([LETTER, LETTER], "same name"),
    ],
)
def test_a_registry_refuses_a_program_that_cannot_be(steps, message):
    with pytest.raises(ValueError, match=message):
        Registry().load(steps)
