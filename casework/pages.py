"""What the caseworker's record adds to the core's staff pages (registered in ``apps.py``)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.hooks import CasePage
from cases.models import Case
from cases.roles import is_supervisor
from cases.selectors import attach_participants
from compassion.people import staff_name
from notifications.models import Reminder
from notifications.reminders import staff_reminder_about

from . import documents, selectors, services
from .forms import AttachmentForm, NoteForm, TaskForm
from .models import Task

NOTES_SHOWN = 10  # on the case page; the notes page shows them all


def case_page_notes(page: CasePage) -> dict:
    """The case page's notes and contacts: the latest few and how many in all (one query), and the
    form to add one when asked for."""
    notes = selectors.notes_visible_to(page.request.user, page.case, participants_read=True)
    notes = attach_participants(selectors.counted(notes)[:NOTES_SHOWN], page.participants)
    form = page.extra.get("note_form") or (NoteForm(case=page.case) if page.asks_for("note") else None)
    if form is not None:
        _participant_choices(form, page)
    notes = services.notes_marked_editable(notes, page.request.user)
    return {"notes": notes, "notes_total": notes[0].total if notes else 0, "note_form": form}


TASKS_SHOWN = 20  # open ones first; then the latest done


def with_tasks(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The ``case_page_query`` hook: whether the case has tasks at all, read with the case."""
    return cases.annotate(has_tasks=Exists(Task.objects.filter(case=OuterRef("pk"))))


def case_page_tasks(page: CasePage) -> dict:
    """The case page's tasks (one query, none when the case has none), and the form to set one when asked for."""
    tasks = list(selectors.case_tasks(page.case)[:TASKS_SHOWN]) if getattr(page.case, "has_tasks", True) else []
    open_tasks = [task for task in tasks if not task.is_done]
    done = [task for task in tasks if task.is_done][: selectors.TASKS_DONE_SHOWN]
    return {
        "tasks_open": open_tasks,
        "tasks_done": done,
        "task_form": _task_form(page),
        "today": timezone.localdate(),
    }


FILES_SHOWN = 10  # on the case page; the files page lists them all


def case_page_attachments(page: CasePage) -> dict:
    """The case page's files: the latest few and how many in all (one query), and the form to add one when asked for."""
    files = selectors.counted(selectors.case_attachments(page.case, participants_read=True))[:FILES_SHOWN]
    files = attach_participants(files, page.participants)
    form = AttachmentForm(case=page.case) if page.asks_for("file") else None
    if form is not None:
        _participant_choices(form, page)
    return {
        "documents": [(kind, documents.TITLES[kind]) for kind in documents.available(page.case)],
        "attachments": files,
        "attachments_total": files[0].total if files else 0,
        "attachment_form": form,
    }


def _participant_choices(form: NoteForm | AttachmentForm, page: CasePage) -> None:
    """The participants were read for the page already: the form's choices ask for no more."""
    form.fields["participant"].choices = [("", form.fields["participant"].empty_label)] + [
        (person.pk, str(person)) for person in page.participants if not person.erased_at
    ]


def _task_form(page: CasePage) -> TaskForm | None:
    """The form to set a task, for the case's caseworker or, for a supervisor, themselves: both are
    at hand (the case was read with its caseworker), so the page asks nothing more. A task for
    another supervisor is accepted too (``TaskForm`` checks the owner against everyone allowed)."""
    if not page.asks_for("task"):
        return None
    form = TaskForm(case=page.case, user=page.request.user)
    owners = [page.case.caseworker]
    if is_supervisor(page.request.user) and page.request.user.pk != page.case.caseworker_id:
        owners.append(page.request.user)
    form.fields["owner"].choices = [(person.pk, staff_name(person)) for person in owners]
    return form


def cases_with_notes_matching(*, user: AbstractBaseUser | AnonymousUser, value: str) -> QuerySet:
    return selectors.note_case_ids_matching(user=user, value=value)


def task_of_reminder(reminder: Reminder) -> dict:
    """The task a "task overdue" reminder is about, for its e-mail."""
    if reminder.kind != Reminder.Kind.TASK_OVERDUE:
        return {}
    about = staff_reminder_about(reminder)
    number = about.removeprefix("task")
    task = Task.objects.filter(case_id=reminder.case_id, pk=int(number)).first() if number.isdecimal() else None
    return {"task": task}
