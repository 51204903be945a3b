"""Drawing a portal page: the participant, their case, where it stands, and whom to call."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.contact import case_contact
from reconciliation.registry import REGISTRY


def page(request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200) -> HttpResponse:
    participant = request.participant
    case = participant.case
    # The step the case is at, by name, while it is open (a page offers that step's answers then).
    at_step = REGISTRY.current(case).slug if case.status == case.Status.OPEN else ""
    base = {
        "participant": participant,
        "case": case,
        "token": request.token,
        "at_step": at_step,
        "PLI_CONTACT_EMAIL": settings.PLI_CONTACT_EMAIL,
        "PLI_CONTACT_PHONE": settings.PLI_CONTACT_PHONE,
        "contact": case_contact(case),
    }
    return render(request, f"portal/{template}", {**base, **(context or {})}, status=status)
