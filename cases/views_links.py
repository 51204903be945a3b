"""The caseworker's controls for participants' personal links on the case page."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import links, selectors
from .roles import is_caseworker
from .services import WorkflowError
from .views import detail_context


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
            messages.success(request, f"A new personal link for {participant.name} is ready; older links stop working.")
            # The link is shown once, in this answer, and kept nowhere: the database holds only
            # its hash, and no session row holds the link itself.
            issued = {"participant": participant, "url": request.build_absolute_uri(links.portal_path(token))}
            page = selectors.case_for_page(user=request.user, reference=reference)
            return render(request, "cases/case_detail.html", detail_context(request, page, issued_link=issued))
        else:
            links.links_revoke(participant=participant, by=request.user)
            messages.success(request, f"{participant.name}'s personal links no longer work.")
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{case.get_absolute_url()}#links")

