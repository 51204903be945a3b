"""Supervisors' audit pages: what was changed on a case, and on staff accounts, by whom and when.

Read-only: nothing in the app edits or deletes the history.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors
from cases.roles import is_supervisor

from . import audit


def _supervisors_only(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise Http404("Not found.")


def case_audit(request: HttpRequest, reference: str) -> HttpResponse:
    _supervisors_only(request)
    case = selectors.case_for_user(user=request.user, reference=reference)
    page, entries = audit.case_history_page(case, page=request.GET.get("page"))
    return render(request, "privacy/case_audit.html", {"case": case, "page": page, "entries": entries})


def staff_audit(request: HttpRequest) -> HttpResponse:
    _supervisors_only(request)
    page, entries = audit.staff_history_page(page=request.GET.get("page"))
    return render(request, "privacy/staff_audit.html", {"page": page, "entries": entries})
