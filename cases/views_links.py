"""The caseworker's controls for participants' personal links on the case page."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import links, selectors
from .roles import is_caseworker
from .services import WorkflowError

# The new link is shown once, on the next view of the case page, then forgotten.
SESSION_KEY = "issued_link"


@require_POST
def participant_link(request: HttpRequest, reference: str, participant_id: int, action: str) -> HttpResponse:
    if not is_caseworker(request.user):
        raise Http404("Not found.")
    case = selectors.case_for_user(user=request.user, reference=reference)
    participant = case.participants.filter(pk=participant_id).first()
    if participant is None or action not in {"issue", "revoke"}:
        raise Http404("Not found.")
    try:
        if action == "issue":
            _link, token = links.link_issue(participant=participant, by=request.user, replace=True)
            request.session[SESSION_KEY] = {
                "participant": participant.pk,
                "url": request.build_absolute_uri(links.portal_path(token)),
            }
            messages.success(request, f"A new personal link for {participant.name} is ready; older links stop working.")
        else:
            links.links_revoke(participant=participant, by=request.user)
            messages.success(request, f"{participant.name}'s personal links no longer work.")
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{case.get_absolute_url()}#links")


def pop_issued_link(request: HttpRequest, case_participants: list[int]) -> dict | None:
    """The link issued just before, if it belongs to this case; shown once."""
    issued = request.session.pop(SESSION_KEY, None)
    if issued and issued.get("participant") in case_participants:
        return issued
    return None
