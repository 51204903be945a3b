"""Reads of the caseworker's record for the staff pages."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet

from cases.models import Case
from cases.roles import is_supervisor

from .models import Note, Task


def sees_sensitive(user: AbstractBaseUser | AnonymousUser, case: Case) -> bool:
    """Sensitive notes are for supervisors and the case's assigned caseworker only."""
    return is_supervisor(user) or (user.is_authenticated and case.caseworker_id == user.pk)


def notes_visible_to(user: AbstractBaseUser | AnonymousUser, case: Case) -> QuerySet[Note]:
    """The case's notes this staff member may read, newest first, with their author and participant."""
    notes = case.notes.select_related("author", "participant").order_by("-happened_at", "-id")
    if not sees_sensitive(user, case):
        notes = notes.filter(sensitive=False)
    return notes


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
