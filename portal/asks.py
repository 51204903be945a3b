"""What a staff member who was hurt (the agent) can ask from any of their pages or messages.

"I don't want to be contacted" and "I'd like to talk to someone first" each have a page: the
GET explains what will happen and changes nothing (a link in an e-mail may be opened by a
mail scanner); the button on it records the wish at once. Asking twice is harmless.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cases.models import Participant
from reconciliation import services

from .access import participant_view
from .pages import page

AGENT = Participant.Role.AGENT


@participant_view(AGENT)
def stop(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    if request.method == "POST":
        services.contact_stop(participant=participant, by=participant)
        messages.success(request, _("Done. We will not contact you again. Your caseworker has been told."))
        return redirect("portal:home", token=request.token)
    return page(request, "ask_stop.html")


@participant_view(AGENT)
def talk(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    if request.method == "POST" and not participant.contact_stopped_at:
        services.call_request(participant=participant, by=participant)
        messages.success(
            request, _("Thank you. Your caseworker will call you. Until then, we will not send you anything.")
        )
        return redirect("portal:home", token=request.token)
    if request.method == "POST":
        return redirect("portal:home", token=request.token)
    return page(request, "ask_talk.html")
