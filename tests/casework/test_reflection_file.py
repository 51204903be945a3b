"""The customer's one file on their reflection, through the portal: the same limits as staff files,
nothing typed lost when it is refused, one file at a time, seen by staff only."""

import pytest
from django.urls import reverse

from cases import links
from casework.models import Attachment
from reconciliation.models import Reflection
from tests.factories import full_case

from . import files

pytestmark = pytest.mark.django_db


def _page(case, role="customer") -> str:
    _link, token = links.link_issue(participant=case.participants.get(role=role), by=None)
    return reverse("portal:reflection", kwargs={"token": token})


def test_the_customer_adds_a_letter_with_their_draft_and_staff_see_it(client, caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    page = _page(case)

    response = client.post(
        page, {"what_happened": "A bad day", "save": "1", "reflection_file": files.upload("My letter.pdf", files.PDF)}
    )

    assert response.status_code == 302
    attachment = case.attachments.get()
    assert (attachment.name, attachment.source) == ("My letter.pdf", Attachment.Source.REFLECTION)
    assert attachment.participant == case.participants.get(role="customer")
    assert "You added: <strong>My letter.pdf</strong>" in client.get(page).content.decode()
    staff_page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "with their reflection" in staff_page
    assert caseworker_client.get(attachment.get_absolute_url()).status_code == 200


def test_a_refused_file_keeps_what_was_typed_as_a_draft_and_says_why(client, caseworker):
    case = full_case(caseworker=caseworker)
    page = _page(case)

    response = client.post(
        page,
        {"what_happened": "Words I typed", "submit": "1", "reflection_file": files.upload("letter.pdf", files.EXE)},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "not a kind that can be kept" in body
    assert "Words I typed" in body
    reflection = Reflection.objects.get(case=case)
    assert (reflection.state, reflection.what_happened) == ("draft", "Words I typed")  # not submitted
    assert not Attachment.objects.exists()


def test_a_refused_file_is_explained_in_spanish_to_a_spanish_speaker(client, caseworker):
    case = full_case(caseworker=caseworker, customer__preferred_language="es")
    page = _page(case)

    response = client.post(page, {"what_happened": "Hola", "save": "1", "reflection_file": files.upload("x.pdf", b"")})

    assert response.status_code == 400
    assert "El archivo está vacío." in response.content.decode()


def test_a_second_file_replaces_the_first_and_it_can_be_taken_off(client, caseworker):
    case = full_case(caseworker=caseworker)
    page = _page(case)

    client.post(page, {"save": "1", "reflection_file": files.upload("first.pdf", files.PDF)})
    client.post(page, {"save": "1", "reflection_file": files.upload("second.png", files.PNG)})
    assert list(case.attachments.values_list("name", flat=True)) == ["second.png"]

    client.post(page, {"save": "1", "reflection_file_remove": "1"})
    assert not case.attachments.exists()


def test_an_autosave_never_carries_the_file(client, caseworker):
    case = full_case(caseworker=caseworker)

    response = client.post(
        _page(case),
        {"what_happened": "Typing", "reflection_file": files.upload("letter.pdf", files.PDF)},
        headers={"X-Autosave": "1"},
    )

    assert response.status_code == 200
    assert not case.attachments.exists()


def test_after_submitting_the_file_is_shown_and_no_longer_changed(client, caseworker):
    case = full_case(caseworker=caseworker)
    page = _page(case)
    client.post(page, {"save": "1", "reflection_file": files.upload("letter.pdf", files.PDF)})
    Reflection.objects.filter(case=case).update(state=Reflection.State.SUBMITTED)

    body = client.get(page).content.decode()

    assert "With your reflection: <strong>letter.pdf</strong>" in body
    assert 'type="file"' not in body
