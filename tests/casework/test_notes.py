"""Notes and the contact log on the case page: written by staff, on the timeline, corrected only by
their author for a short while, sensitive ones for supervisors and the case's caseworker only,
found by the case list's search."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent
from cases.timeline import WorkflowError
from casework import selectors, services
from casework.models import NOTE_MAX_CHARS, Note
from tests.factories import full_case

pytestmark = pytest.mark.django_db


def _form(**fields) -> dict:
    data = {
        "note-kind": "note",
        "note-happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "note-participant": "",
        "note-with_whom": "",
        "note-minutes": "",
        "note-text": "Talked through the plan.",
        "note-agreed": "",
    }
    data.update({f"note-{name}": value for name, value in fields.items()})
    return data


def _note(case, by, **fields) -> Note:
    values = {"kind": "note", "happened_at": timezone.now(), "text": "A note."} | fields
    return services.note_add(case=case, details=services.NoteDetails(**values), by=by)


def test_a_caseworker_writes_a_note_and_sees_it_on_the_case_page_and_the_timeline(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)

    response = caseworker_client.post(reverse("casework:note_add", args=[case.reference]), _form())

    assert response.status_code == 302
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "Talked through the plan." in page
    event = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert event.message == "Note added."
    assert event.actor == caseworker


def test_a_contact_records_with_whom_how_long_and_what_was_agreed(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    business = case.participants.get(role="business")

    caseworker_client.post(
        reverse("casework:note_add", args=[case.reference]),
        _form(kind="phone", participant=business.pk, minutes="15", text="Called Dana.", agreed="Shift on Tuesday."),
    )

    note = case.notes.get()
    assert (note.kind, note.participant, note.minutes, note.agreed) == ("phone", business, 15, "Shift on Tuesday.")
    assert case.events.get(kind=CaseEvent.Kind.NOTE).message == "Phone call with Dana Owner (15 min) logged."
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "Shift on Tuesday." in page
    assert "15 min" in page


def test_the_timeline_never_copies_what_a_note_says(caseworker):
    case = full_case(caseworker=caseworker)

    _note(case, caseworker, text="Private words about the customer.", sensitive=True)

    assert case.events.get(kind=CaseEvent.Kind.NOTE).message == "Sensitive note added."


def test_a_note_too_long_is_refused_and_everything_typed_stays(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    long_text = "word " * (NOTE_MAX_CHARS // 5 + 1)

    response = caseworker_client.post(
        reverse("casework:note_add", args=[case.reference]), _form(text=long_text, agreed="Keep this.")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f"at most {NOTE_MAX_CHARS} characters" in page
    assert "Keep this." in page
    assert long_text.strip() in page
    assert not case.notes.exists()


def test_a_note_dated_in_the_future_is_refused(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = caseworker_client.post(reverse("casework:note_add", args=[case.reference]), _form(happened_at=tomorrow))

    assert response.status_code == 400
    assert "This date is in the future." in response.content.decode()
    assert not case.notes.exists()


def test_a_participant_of_another_case_cannot_be_named_in_a_note(caseworker):
    case, other = full_case(caseworker=caseworker), full_case(caseworker=caseworker)

    with pytest.raises(WorkflowError):
        _note(case, caseworker, kind="phone", participant=other.participants.get(role="customer"))
    assert not case.notes.exists()


def test_its_author_corrects_a_note_within_the_window_and_the_old_version_stays_in_the_audit(
    caseworker_client, caseworker
):
    case = full_case(caseworker=caseworker)
    note = _note(case, caseworker, text="Called the busines.")
    url = reverse("casework:note_edit", args=[case.reference, note.pk])

    assert "Correct it" in caseworker_client.get(case.get_absolute_url()).content.decode()
    response = caseworker_client.post(url, _form(text="Called the business."))

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Called the business."
    assert list(note.history.order_by("history_id").values_list("text", flat=True)) == [
        "Called the busines.",
        "Called the business.",
    ]
    assert case.events.filter(message__endswith="corrected.").count() == 1


def test_after_the_window_a_note_is_fixed(caseworker_client, caseworker, settings):
    case = full_case(caseworker=caseworker)
    note = _note(case, caseworker, text="As it was.")
    url = reverse("casework:note_edit", args=[case.reference, note.pk])

    with time_machine.travel(timezone.now() + timedelta(minutes=settings.NOTE_EDIT_MINUTES + 1)):
        assert "Correct it" not in caseworker_client.get(case.get_absolute_url()).content.decode()
        assert "part of the record" in caseworker_client.get(url).content.decode()
        response = caseworker_client.post(url, _form(text="Changed later."))

    assert response.status_code == 400
    note.refresh_from_db()
    assert note.text == "As it was."


def test_only_its_author_may_correct_a_note(client, caseworker, supervisor):
    case = full_case(caseworker=caseworker)
    note = _note(case, caseworker, text="Mine.")

    with pytest.raises(WorkflowError):
        services.note_edit(
            note=note,
            details=services.NoteDetails(kind="note", happened_at=timezone.now(), text="Theirs."),
            by=supervisor,
        )
    client.force_login(supervisor)
    response = client.post(reverse("casework:note_edit", args=[case.reference, note.pk]), _form(text="Theirs."))

    assert response.status_code == 400
    note.refresh_from_db()
    assert note.text == "Mine."


def test_a_sensitive_note_is_for_supervisors_and_the_assigned_caseworker_only(
    caseworker, supervisor, outsider_caseworker
):
    case = full_case(caseworker=caseworker)
    _note(case, caseworker, text="Open.")
    _note(case, caseworker, text="Only for a few.", sensitive=True)

    def texts(user):
        return set(selectors.notes_visible_to(user, case).values_list("text", flat=True))

    assert texts(caseworker) == texts(supervisor) == {"Open.", "Only for a few."}
    assert texts(outsider_caseworker) == {"Open."}  # were they ever to see the case


def test_the_case_list_search_finds_a_case_by_its_notes_for_those_who_may_see_it(
    client, caseworker, outsider_caseworker, supervisor
):
    case = full_case(caseworker=caseworker)
    _note(case, caseworker, kind="phone", text="Spoke with the probation office.", with_whom="Officer Reyes")

    def found(user, words):
        client.force_login(user)
        return case.reference in client.get(reverse("cases:list"), {"q": words}).content.decode()

    assert found(caseworker, "probation office")
    assert found(caseworker, "reyes")
    assert found(supervisor, "PROBATION")
    assert not found(outsider_caseworker, "probation office")
    assert not found(caseworker, "no such words anywhere")


def test_the_case_page_reads_as_many_queries_with_50_notes_as_with_none(supervisor_client, caseworker):
    case = full_case(caseworker=caseworker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert supervisor_client.get(case.get_absolute_url()).status_code == 200
        return len(captured)

    with_none = queries()
    for n in range(50):
        _note(case, caseworker, kind="phone", participant=case.participants.get(role="business"), text=f"Call {n}.")
    with_many = queries()

    assert with_none == with_many
    assert with_many <= 15
    page = supervisor_client.get(case.get_absolute_url()).content.decode()
    assert "Call 49." in page
    assert "Call 39." not in page
    assert "All 50 notes and contacts" in page


def test_the_notes_page_lists_every_note_in_pages(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    for n in range(60):
        _note(case, caseworker, text=f"Entry {n}.", happened_at=timezone.now() - timedelta(minutes=60 - n))

    first = caseworker_client.get(reverse("casework:notes", args=[case.reference])).content.decode()
    second = caseworker_client.get(reverse("casework:notes", args=[case.reference]), {"page": 2}).content.decode()

    assert "Entry 59." in first
    assert "Entry 10." in first
    assert "Entry 9." not in first
    assert "Entry 9." in second
    assert "Entry 0." in second
