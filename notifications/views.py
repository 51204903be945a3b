"""The caseworker's hand on a case's messages, from the case page: send a reminder now, cancel it,
e-mail a personal link."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.roles import is_caseworker
from cases.services import WorkflowError

from . import services
from .models import Reminder

REMINDER_ACTIONS: dict[str, tuple[Callable, str]] = {
    "send": (services.reminder_send_now, "The reminder will be sent within a minute."),
    "cancel": (services.reminder_cancel, "The reminder is cancelled."),
}


@require_POST
def reminder_action(request: HttpRequest, reference: str, pk: int, action: str) -> HttpResponse:
    """Send a reminder of the case now, or cancel it."""
    if not is_caseworker(request.user) or action not in REMINDER_ACTIONS:
        raise Http404("Not found.")
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    reminder = get_object_or_404(Reminder, pk=pk, case=case)
    perform, done = REMINDER_ACTIONS[action]
    try:
        perform(reminder=reminder, by=request.user)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(f"{case.get_absolute_url()}#reminders")


@require_POST
def link_email(request: HttpRequest, reference: str, participant_id: int) -> HttpResponse:
    """E-mail the participant a fresh personal link."""
    if not is_caseworker(request.user):
        raise Http404("Not found.")
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    participant = get_object_or_404(case.participants, pk=participant_id)
    try:
        services.link_email(participant=participant, by=request.user, again=request.POST.get("again") == "1")
    except services.LinkRecentlyEmailed as error:
        messages.warning(request, " ".join(error.messages))
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        where = services.addresses(participant)
        messages.success(request, f"A new personal link is on its way to {participant.name}: {where}.")
    return redirect(f"{case.get_absolute_url()}#links")
