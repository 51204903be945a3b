"""Every change to the caseworker's record: notes and contacts.

Each service runs in one transaction, checks its rule, writes the change and a line on the
case's timeline, and raises ``WorkflowError`` with a sentence a person understands when the
move is not allowed. A note's words never go into the timeline (erasure would have two copies
to find): the timeline says that a note or a contact was added, and by whom.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, Participant
from cases.roles import is_caseworker
from cases.timeline import WorkflowError, event_record

from .models import NOTE_MAX_CHARS, Note


@dataclass(frozen=True)
class NoteDetails:
    kind: str
    happened_at: datetime
    text: str
    agreed: str = ""
    participant: Participant | None = None
    with_whom: str = ""
    minutes: int | None = None
    sensitive: bool = False


def _check(details: NoteDetails, case: Case) -> None:
    if not details.text.strip():
        raise WorkflowError("Please write the note.")
    if len(details.text) > NOTE_MAX_CHARS or len(details.agreed) > NOTE_MAX_CHARS:
        raise WorkflowError(f"A note holds at most {NOTE_MAX_CHARS} characters.")
    if details.participant is not None and details.participant.case_id != case.pk:
        raise WorkflowError("That person is not a participant of this case.")
    if details.happened_at > timezone.now() + timezone.timedelta(minutes=5):
        raise WorkflowError("A note records what happened: its time cannot be in the future.")


def _summary(note: Note) -> str:
    """The timeline's line for a note: what kind, with whom, how long; never its words."""
    if not note.is_contact:
        return "Sensitive note added." if note.sensitive else "Note added."
    line = note.kind_label
    who = note.who()
    if who and not note.sensitive:
        line += f" with {who}"
    if note.minutes:
        line += f" ({note.minutes} min)"
    return f"{line} logged{' (sensitive)' if note.sensitive else ''}."


@transaction.atomic
def note_add(*, case: Case, details: NoteDetails, by: AbstractBaseUser) -> Note:
    """A staff member who may see the case writes a note or logs a contact; the timeline says so."""
    if not is_caseworker(by):
        raise WorkflowError("Only PLI staff write notes.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check(details, case)
    now = timezone.now()
    note = Note(case=case, author=by, created_at=now, updated_at=now, **details.__dict__)
    note._history_user = by
    note.save()
    event_record(case=case, kind=CaseEvent.Kind.NOTE, message=_summary(note), by=by)
    return note


def note_editable_by(note: Note, user: AbstractBaseUser, *, now: datetime | None = None) -> bool:
    """Only its author, and only for ``NOTE_EDIT_MINUTES`` after writing it."""
    now = now or timezone.now()
    return note.author_id == user.pk and now <= note.editable_until


def notes_marked_editable(notes: list[Note], user: AbstractBaseUser) -> list[Note]:
    """``notes``, each with ``can_edit``: whether ``user`` may correct it now (for the pages)."""
    now = timezone.now()
    for note in notes:
        note.can_edit = note_editable_by(note, user, now=now)
    return notes


@transaction.atomic
def note_edit(*, note: Note, details: NoteDetails, by: AbstractBaseUser) -> Note:
    """Its author corrects a note within ``NOTE_EDIT_MINUTES``; the version before stays in the audit history."""
    note = Note.objects.select_for_update().select_related("case").get(pk=note.pk)
    if note.author_id != by.pk:
        raise WorkflowError("Only the person who wrote a note can change it.")
    if not note_editable_by(note, by):
        raise WorkflowError(
            f"A note can be changed for {settings.NOTE_EDIT_MINUTES} minutes after it was written; "
            "this one is now part of the record. Add a new note to correct it."
        )
    _check(details, note.case)
    for name, value in details.__dict__.items():
        setattr(note, name, value)
    note.updated_at = timezone.now()
    note._history_user = by
    note.save()
    event_record(
        case=note.case,
        kind=CaseEvent.Kind.NOTE,
        message=f"{note.kind_label} of {timezone.localtime(note.happened_at):%Y-%m-%d %H:%M} corrected.",
        by=by,
    )
    return note
