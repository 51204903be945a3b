"""Every change to the caseworker's record: notes and contacts, tasks, attachments.

Each service runs in one transaction, checks its rule, writes the change and a line on the
case's timeline, and raises ``WorkflowError`` with a sentence a person understands when the
move is not allowed. A note's words never go into the timeline (erasure would have two copies
to find): the timeline says that a note or a contact was added, and by whom.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Case, CaseEvent, Participant
from cases.roles import is_caseworker, is_supervisor
from cases.timeline import WorkflowError, event_record
from compassion.people import staff_name
from notifications.models import Reminder
from notifications.reminders import staff_reminder_cancel, staff_reminder_schedule
from reconciliation import services as step_services
from reconciliation.models import PlanSignoff, ReconciliationPlan

from .attachments import FileRefused
from .attachments import check as check_upload
from .models import NOTE_MAX_CHARS, TASK_MAX_CHARS, Attachment, Note, Signature, Task


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


# ---------------------------------------------------------------- tasks


def task_owner_may_hold(case: Case, owner: AbstractBaseUser) -> bool:
    """A task is for someone who can open the case: its caseworker or a supervisor, with an active account."""
    return owner.is_active and (owner.pk == case.caseworker_id or is_supervisor(owner))


def task_reminder_at(task: Task) -> datetime:
    """The morning after its due day (at ``REMINDER_CHECKIN_HOUR``, local time): a day overdue."""
    day = task.due_on + timezone.timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(settings.REMINDER_CHECKIN_HOUR)))


def _about(task: Task) -> str:
    return f"task{task.pk}"


@transaction.atomic
def task_create(*, case: Case, title: str, due_on: date, owner: AbstractBaseUser, by: AbstractBaseUser) -> Task:
    """A staff member sets a task on a case, for themselves or for whoever may open the case; it
    reminds its owner once when it is a day overdue."""
    if not is_caseworker(by):
        raise WorkflowError("Only PLI staff set tasks.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    title = " ".join(title.split())
    if not title:
        raise WorkflowError("Please say what is to be done.")
    if len(title) > TASK_MAX_CHARS:
        raise WorkflowError(f"Say what is to be done in at most {TASK_MAX_CHARS} characters.")
    if due_on < timezone.localdate():
        raise WorkflowError("The due date has passed: please choose today or a later day.")
    if not task_owner_may_hold(case, owner):
        raise WorkflowError(
            f"{staff_name(owner)} cannot open this case: a task is for its "
            "caseworker or a supervisor."
        )
    if case.status in Case.ENDED_STATUSES:
        raise WorkflowError(f"The case is {case.get_status_display().lower()}: no new task can be set on it.")
    task = Task(case=case, title=title, due_on=due_on, owner=owner, created_by=by)
    task._history_user = by
    task.save()
    staff_reminder_schedule(
        case=case, kind=Reminder.Kind.TASK_OVERDUE, user=owner, about=_about(task), due_at=task_reminder_at(task)
    )
    owner_name = task.owner_name()
    event_record(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        message=f"Task for {owner_name}, due {task.due_on:%Y-%m-%d}: {title}",
        by=by,
    )
    return task


@transaction.atomic
def task_done(*, task: Task, by: AbstractBaseUser) -> Task:
    """Tick a task done (anyone who may open the case: a colleague may have done it); its reminder is cancelled."""
    task = Task.objects.select_for_update().select_related("case", "owner").get(pk=task.pk)
    if task.is_done:
        raise WorkflowError(f"This task was already ticked done on {timezone.localtime(task.done_at):%Y-%m-%d}.")
    task.done_at, task.done_by = timezone.now(), by
    task._history_user = by
    task.save(update_fields=["done_at", "done_by"])
    staff_reminder_cancel(
        case=task.case,
        kind=Reminder.Kind.TASK_OVERDUE,
        user_id=task.owner_id,
        about=_about(task),
        reason="The task was ticked done.",
    )
    event_record(case=task.case, kind=CaseEvent.Kind.NOTE, message=f"Task done: {task.title}", by=by)
    return task


# ---------------------------------------------------------------- attachments


def files_delete_on_commit(names: list[str]) -> None:
    """Take kept files out of the storage once the rows that named them are gone for good."""
    names = [name for name in names if name]
    if names:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    upload: UploadedFile,
    by: AbstractBaseUser | None = None,
    by_participant: Participant | None = None,
    description: str = "",
    participant: Participant | None = None,
) -> Attachment:
    """Keep a file on a case: a staff member's (``by``), or the customer's one file on their reflection
    (``by_participant``, which replaces the one before). Its type by its content, at most
    ``ATTACHMENT_MAX_MB``; anything else is refused and nothing is kept."""
    if (by is None) == (by_participant is None):
        raise ValueError("A file is added by a staff member or by a participant.")
    if by is not None and not is_caseworker(by):
        raise WorkflowError("Only PLI staff add files to a case.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if participant is not None and participant.case_id != case.pk:
        raise WorkflowError("That person is not a participant of this case.")
    try:
        checked = check_upload(upload)
    except FileRefused as error:
        raise WorkflowError(str(error)) from error
    source = Attachment.Source.STAFF
    if by_participant is not None:
        if by_participant.case_id != case.pk or by_participant.role != Participant.Role.CUSTOMER:
            raise WorkflowError("Only the customer adds a file to their reflection.")
        source, participant = Attachment.Source.REFLECTION, by_participant
        replaced = list(case.attachments.filter(source=source))
        files_delete_on_commit([old.file.name for old in replaced])
        Attachment.objects.filter(pk__in=[old.pk for old in replaced]).delete()
    attachment = Attachment(
        case=case,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        description=" ".join(description.split())[:200],
        participant=participant,
        source=source,
        added_by=by,
    )
    attachment._history_user = by
    upload.seek(0)
    attachment.file.save(checked.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    who = "" if by_participant is None else " to their reflection"
    event_record(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        message=f"File added{who}: {attachment.name} ({checked.label}, {attachment.size_label}).",
        by=by,
        by_participant=by_participant,
    )
    return attachment


@transaction.atomic
def reflection_file_remove(*, case: Case, by_participant: Participant) -> bool:
    """The customer takes their file off their reflection (while they may still change it); whether there was one."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    files = list(case.attachments.filter(source=Attachment.Source.REFLECTION))
    if not files:
        return False
    files_delete_on_commit([attachment.file.name for attachment in files])
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in files]).delete()
    event_record(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        message=f"File taken off the reflection: {files[0].name}.",
        by_participant=by_participant,
    )
    return True


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: AbstractBaseUser) -> None:
    """Who added a file, or a supervisor, takes it off the case; the timeline keeps that it was there."""
    attachment = Attachment.objects.select_for_update().select_related("case").get(pk=attachment.pk)
    if attachment.added_by_id != by.pk and not is_supervisor(by):
        raise WorkflowError("Only who added a file, or a supervisor, can take it off the case.")
    files_delete_on_commit([attachment.file.name])
    attachment._history_user = by
    attachment.delete()
    event_record(case=attachment.case, kind=CaseEvent.Kind.NOTE, message=f"File removed: {attachment.name}.", by=by)


# ---------------------------------------------------------------- typed signatures


def _plain_name(name: str) -> str:
    """A name as compared: no accents, no case, no punctuation but hyphens and apostrophes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s'-]", " ", bare).casefold().split())


def names_match(typed: str, name: str) -> bool:
    """Whether a typed signature is the person's full name (accents, capitals and spacing aside)."""
    return bool(_plain_name(typed)) and _plain_name(typed) == _plain_name(name)


def signature_check(*, participant: Participant, typed_name: str) -> str:
    """The typed name, tidied, if it is the participant's full name; else a kind ``WorkflowError``."""
    if not names_match(typed_name, participant.name):
        raise WorkflowError(
            gettext(
                "That is not quite the name we have for you. Please type your full name, first and last. "
                "If we have it wrong, please tell your caseworker."
            )
        )
    return " ".join(typed_name.split())


def signature_record(
    *, participant: Participant, document: str, version: int, typed_name: str, at: datetime | None = None
) -> Signature:
    """Record a participant's typed signature under a document's version (in the caller's transaction)."""
    typed_name = signature_check(participant=participant, typed_name=typed_name)
    signature, _created = Signature.objects.get_or_create(
        participant=participant,
        document=document,
        version=version,
        defaults={"case_id": participant.case_id, "typed_name": typed_name, "signed_at": at or timezone.now()},
    )
    return signature


@transaction.atomic
def plan_answer(
    *, plan: ReconciliationPlan, participant: Participant, decision: str, comment: str = "", typed_name: str = ""
) -> None:
    """A participant answers a plan version in the portal; agreeing is signing it with their typed
    full name (checked before anything changes), recorded with the time and the version."""
    if decision == PlanSignoff.Decision.AGREED:
        signature_check(participant=participant, typed_name=typed_name)
    step_services.plan_signoff(plan=plan, participant=participant, decision=decision, comment=comment, by=participant)
    if decision == PlanSignoff.Decision.AGREED:
        signature_record(
            participant=participant, document=Signature.Document.PLAN, version=plan.version, typed_name=typed_name
        )


@transaction.atomic
def commitments_sign(*, case: Case, participant: Participant, typed_name: str) -> None:
    """The customer agrees to their commitments by typing their full name under them (checked first)."""
    signature_check(participant=participant, typed_name=typed_name)
    step_services.commitments_agree(case=case, by=participant)
    signature_record(
        participant=participant, document=Signature.Document.COMMITMENTS, version=1, typed_name=typed_name
    )
