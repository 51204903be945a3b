"""Error pages: a calm 503 when the database is away, else the plain 500.

``handler500`` in ``compassion/urls.py`` points here. Django calls it for any exception a
view or a middleware did not handle, while that exception is being handled, so
``sys.exc_info()`` says what it was. A database that refuses connections (or drops one)
raises ``OperationalError`` or ``InterfaceError``: the person sees "back in a few minutes"
with ``Retry-After``; anything else is the ordinary 500 page. Neither page touches the
database or the session (the template is rendered without the request), so they work when
nothing else does. ``/healthz`` answers on its own, with JSON.

The not-found page (``handler404``) is the portal's: ``portal.access.page_not_found``.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# Seconds a client or a proxy should wait before trying again.
RETRY_AFTER_SECONDS = 60
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_is_down(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DATABASE_DOWN):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if database_is_down(error):
        logger.error("The database is unavailable: answered 503 (%s).", type(error).__name__)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse(loader.render_to_string("500.html"), status=500)
    response["Cache-Control"] = "no-store"
    return response
