"""Who is at the portal: the personal link in the URL says which participant of which case.

Every portal view is wrapped in ``participant_view``: a wrong, expired or revoked token
gets the same friendly page (no hint whether a case exists); too many wrong tokens from
one address are slowed down; a view meant for another role is a plain 404.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from cases import links
from cases.models import Participant
from compassion import ratelimit

from . import selectors
from .pages import page

BAD_TOKEN_SCOPE = "portal-bad-token"  # noqa: S105 - a cache key prefix, not a secret


def link_not_working(request: HttpRequest, *, status: int = 404) -> HttpResponse:
    contact = {
        "PLI_CONTACT_EMAIL": settings.PLI_CONTACT_EMAIL,
        "PLI_CONTACT_PHONE": settings.PLI_CONTACT_PHONE,
        "ACCESS_LINK_DAYS": settings.ACCESS_LINK_DAYS,
    }
    return render(request, "portal/link_not_working.html", {"status": status, **contact}, status=status)


def program_ended(request: HttpRequest, participant: Participant) -> HttpResponse:
    """A link of a case that was withdrawn or closed: the program has ended, in the person's language;
    nothing of the case is shown and nothing can be done."""
    contact = {"PLI_CONTACT_EMAIL": settings.PLI_CONTACT_EMAIL, "PLI_CONTACT_PHONE": settings.PLI_CONTACT_PHONE}
    with translation.override(page_language(request, participant)):
        request.LANGUAGE_CODE = translation.get_language()
        return render(request, "portal/program_ended.html", contact, status=410)


def nothing_here(request: HttpRequest) -> HttpResponse:
    return page(request, "nothing_here.html", status=404)


def participant_view(*roles: str) -> Callable:
    """Resolve the token into ``request.participant`` and ``request.link``; allow only ``roles`` (all if none)."""

    def decorate(view: Callable) -> Callable:
        @login_not_required
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            address = ratelimit.client_address(request)
            if ratelimit.count(BAD_TOKEN_SCOPE, address) >= settings.PORTAL_BAD_TOKENS_PER_HOUR:
                return link_not_working(request, status=429)
            link = links.link_resolve(token)
            if link is None:
                if ended := links.link_ended_participant(token):
                    return program_ended(request, ended)
                ratelimit.hit(BAD_TOKEN_SCOPE, address, window_seconds=3600)
                return link_not_working(request)
            participant: Participant = link.participant
            participant.case = selectors.participant_case(participant)
            request.link, request.participant, request.token = link, participant, token
            with translation.override(page_language(request, participant)):
                request.LANGUAGE_CODE = translation.get_language()
                if roles and participant.role not in roles:
                    return nothing_here(request)
                if request.method == "POST":
                    links.link_mark_used(link)
                try:
                    return view(request, *args, **kwargs)
                except Http404:
                    # A page that has nothing for this person now (an old meeting link after they
                    # withdrew, say): a kind page in their language, which changes nothing.
                    return nothing_here(request)

        return wrapper

    return decorate


def page_language(request: HttpRequest, participant: Participant) -> str:
    """The language of the participant's pages: the one they chose with the language switch, if it
    is one of ``LANGUAGES``, else their own. Any other cookie value is ignored: each language
    Django is asked for loads a catalogue it keeps for good."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else participant.preferred_language


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: an address under the portal (``/p/...``) that matches no portal page gets the
    same "this link does not work" page as a wrong token, so that nobody learns anything from the
    shape of an address; elsewhere, the plain 404 page."""
    portal_prefix = reverse("portal:home", args=["x"])[: -len("x/")]
    if request.path.startswith(portal_prefix) and getattr(request, "resolver_match", None) is None:
        return link_not_working(request)
    return defaults.page_not_found(request, exception)
