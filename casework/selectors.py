"""Reads of the caseworker's record for the staff pages."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Q, QuerySet, Window

from cases.models import Case
from cases.roles import is_supervisor

from .models import Attachment, Note, Task


def sees_sensitive(user: AbstractBaseUser | AnonymousUser, case: Case) -> bool:
    """Sensitive notes are for supervisors and the case's assigned caseworker only."""
    return is_supervisor(user) or (user.is_authenticated and case.caseworker_id == user.pk)


def notes_visible_to(
    user: AbstractBaseUser | AnonymousUser, case: Case, *, participants_read: bool = False
) -> QuerySet[Note]:
    """The case's notes this staff member may read, newest first, with their author and participant
    (not joined with ``participants_read``: the page has them, ``cases.selectors.attach_participants``)."""
    notes = case.notes.select_related("author", *([] if participants_read else ["participant"]))
    notes = notes.order_by("-happened_at", "-id")
    if not sees_sensitive(user, case):
        notes = notes.filter(sensitive=False)
    return notes


def case_attachments(case: Case, *, participants_read: bool = False) -> QuerySet[Attachment]:
    """The case's files, newest first, with who added them and whose they are (as ``notes_visible_to``)."""
    return case.attachments.select_related("added_by", *([] if participants_read else ["participant"]))


def counted(rows: QuerySet) -> QuerySet:
    """``rows`` with ``total`` on each, the number of them all (before any slice): the first few of a
    case's notes or files and how many there are, in one query."""
    return rows.annotate(total=Window(Count("pk")))


def note_case_ids_matching(*, user: AbstractBaseUser | AnonymousUser, value: str) -> QuerySet:
    """The ids of cases with a note that contains ``value`` (text, what was agreed, with whom);
    a sensitive note counts only for supervisors and for the case's own caseworker."""
    matching = Q(text__icontains=value) | Q(agreed__icontains=value) | Q(with_whom__icontains=value)
    notes = Note.objects.order_by().filter(matching)
    if not is_supervisor(user):
        notes = notes.filter(Q(sensitive=False) | Q(case__caseworker_id=user.pk))
    return notes.values("case_id")


TASKS_DONE_SHOWN = 5


def case_tasks(case: Case) -> QuerySet[Task]:
    """The case's tasks for its page: open ones soonest first, then the latest done, with their owners."""
    return case.tasks.select_related("owner", "done_by").order_by(
        F("done_at").desc(nulls_first=True), "due_on", "id"
    )
