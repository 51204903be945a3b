"""How a participant's messages reach them, chosen on their own page: e-mail, texts or both.

The GET shows the choice and changes nothing; the form's answer takes effect at once (the
reminders follow) and the caseworker sees it on the timeline. Only the ways we have an
address for are offered; a new address is their caseworker's to add.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cases import services
from cases.models import Participant

from .access import participant_view
from .pages import page

Channel = Participant.Channel


def offered(participant: Participant) -> list[tuple[str, str]]:
    """The channels the person can choose: those we have an address for (a number that takes texts)."""
    has_email = bool(participant.email)
    has_phone = bool(participant.phone and participant.phone.is_valid())
    choices = []
    if has_email:
        choices.append((Channel.EMAIL, _("By e-mail")))
    if has_phone:
        choices.append((Channel.SMS, _("By text message")))
    if has_email and has_phone:
        choices.append((Channel.BOTH, _("By e-mail and text message")))
    return choices


@participant_view()
def channel(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    choices = offered(participant)
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("channel", "")
        if chosen not in dict(choices):
            error = _("Choose one of the ways below.")
        else:
            try:
                services.participant_channel_choose(participant=participant, channel=chosen)
            except services.WorkflowError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(request, _("Saved. From now on we will write to you this way."))
                return redirect("portal:home", token=request.token)
    status = 400 if error else 200
    # What they get now: e-mail, after a STOP to texts.
    current = Channel.EMAIL if participant.texts_stopped_at else participant.channel
    return page(request, "messages.html", {"choices": choices, "error": error, "current": current}, status=status)
