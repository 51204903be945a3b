"""Supervisors' privacy tools on the case page: export a participant's data (JSON), erase it."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import selectors
from cases.models import Case, Participant
from cases.roles import is_supervisor
from cases.services import WorkflowError

from . import services as privacy


def _participant(request: HttpRequest, reference: str, participant_id: int) -> tuple[Case, Participant]:
    """The participant of a case the supervisor may see; 404 for anyone else."""
    if not is_supervisor(request.user):
        raise Http404("Not found.")
    case = selectors.case_for_user(user=request.user, reference=reference)
    participant = case.participants.filter(pk=participant_id).first()
    if participant is None:
        raise Http404("Not found.")
    return case, participant


@require_POST
def participant_export(request: HttpRequest, reference: str, participant_id: int) -> HttpResponse:
    """Everything held about the participant, as a JSON download; the timeline says who took it."""
    case, participant = _participant(request, reference, participant_id)
    data = privacy.participant_export_take(participant=participant, by=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"{case.reference}-participant-{participant.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def participant_erase(request: HttpRequest, reference: str, participant_id: int) -> HttpResponse:
    """GET: what erasing does, and a button; POST: erase."""
    case, participant = _participant(request, reference, participant_id)
    if request.method == "POST":
        try:
            erased = privacy.participant_erase(participant=participant, by=request.user)
        except WorkflowError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Personal data erased: the participant is now “{erased.name}”.")
        return redirect(f"{case.get_absolute_url()}#privacy")
    return render(
        request,
        "privacy/participant_erase.html",
        {
            "case": case,
            "participant": participant,
            "erasable": case.status in privacy.ERASABLE_STATUSES and not participant.erased_at,
        },
    )
