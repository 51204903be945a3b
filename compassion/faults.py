"""Error pages: a calm 503 when the database is away, else the plain 500; a kind 400.

``handler500`` in ``compassion/urls.py`` points here. Django calls it for any exception a
view or a middleware did not handle, while that exception is being handled, so
``sys.exc_info()`` says what it was. A database that refuses connections (or drops one)
raises ``OperationalError`` or ``InterfaceError``: the person sees "back in a few minutes"
with ``Retry-After``; anything else is the ordinary 500 page. Neither page touches the
database or the session (the template is rendered without the request), so they work when
nothing else does. ``/healthz`` answers on its own, with JSON.

Under the portal (``/p/...``), both are drawn in the portal's frame, in the participant's
language, with PLI's contact and a link back to their own page (``portal/error.html``).

The not-found page (``handler404``) is the portal's: ``portal.access.page_not_found``.

``handler400`` answers what Django refuses to read: a request whose body is over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (megabytes pasted into a text box), or a malformed one. It is
drawn the same way, without the database, and says that nothing was saved.
"""

import logging
import re
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)

# Seconds a client or a proxy should wait before trying again.
RETRY_AFTER_SECONDS = 60
DATABASE_DOWN = (OperationalError, InterfaceError)
# Participants' pages (``portal/urls.py`` under ``compassion/urls.py``): /p/<token>/...
PORTAL_PREFIX = "/p/"
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,100}")


def database_is_down(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DATABASE_DOWN):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    status = 503 if database_is_down(error) else 500
    if status == 503:
        logger.error("The database is unavailable: answered 503 (%s).", type(error).__name__)
    body = _participant_page(request, status) if request.path.startswith(PORTAL_PREFIX) else None
    if body is None:
        body = loader.render_to_string(f"{status}.html")
    response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    body = _participant_page(request, 400) if request.path.startswith(PORTAL_PREFIX) else None
    if body is None:
        body = loader.render_to_string("400.html")
    response = HttpResponse(body, status=400)
    response["Cache-Control"] = "no-store"
    return response


def _participant_page(request: HttpRequest, status: int) -> str | None:
    """A participant's error page (under the portal): the portal's frame in the language their page was
    in, with the contact and a way back to their own page; None if even that cannot be drawn."""
    language = getattr(request, "LANGUAGE_CODE", "")  # set by the portal for the participant
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    token = request.path[len(PORTAL_PREFIX) :].split("/", 1)[0]
    context = {
        "status": status,
        "home_url": f"{PORTAL_PREFIX}{token}/" if TOKEN_SHAPE.fullmatch(token) else "",
        "PLI_CONTACT_EMAIL": settings.PLI_CONTACT_EMAIL,
        "PLI_CONTACT_PHONE": settings.PLI_CONTACT_PHONE,
    }
    try:
        with translation.override(language):
            return loader.render_to_string("portal/error.html", context)
    except Exception:  # the error page of last resort must not fail: the plain one then
        logger.exception("The participant's error page could not be drawn.")
        return None
