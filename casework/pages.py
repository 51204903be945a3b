"""What the caseworker's record adds to the core's staff pages (registered in ``apps.py``)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from cases.hooks import CasePage

from . import selectors, services
from .forms import NoteForm

NOTES_SHOWN = 10  # on the case page; the notes page shows them all


def case_page_notes(page: CasePage) -> dict:
    """The case page's notes and contacts: the latest few (one query) and the form to add one."""
    notes = list(selectors.notes_visible_to(page.request.user, page.case)[: NOTES_SHOWN + 1])
    form = page.extra.get("note_form") or NoteForm(case=page.case)
    # The participants were read for the page already: the form's choices ask for no more.
    form.fields["participant"].choices = [("", form.fields["participant"].empty_label)] + [
        (person.pk, str(person)) for person in page.participants if not person.erased_at
    ]
    notes = services.notes_marked_editable(notes, page.request.user)
    return {"notes": notes[:NOTES_SHOWN], "notes_more": len(notes) > NOTES_SHOWN, "note_form": form}


def cases_with_notes_matching(*, user: AbstractBaseUser | AnonymousUser, value: str) -> QuerySet:
    return selectors.note_case_ids_matching(user=user, value=value)
