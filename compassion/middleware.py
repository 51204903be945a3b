"""Project-wide middleware."""

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from .logging import CASE_REFERENCE_ENVIRON_KEY, current_context, set_log_context

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from the proxy (nginx's $request_id is 32 hex digits); anything else is
# replaced, so that a client cannot write arbitrary text into the logs.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")


class RequestIdMiddleware:
    """Give every request an id: the proxy's X-Request-ID, or a new one.

    The id is on every log line written while the request is handled (and on the case
    reference, once a view has looked a case up), and is sent back in the X-Request-ID
    response header so that a person reporting a problem can quote it. The context lasts
    until ``request_finished``: Django logs a 4xx or 5xx response after the middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _VALID_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        set_log_context(request_id=request_id, case_reference=None)
        response = self.get_response(request)
        # gunicorn writes its access line from the WSGI environ and the response headers.
        request.META[CASE_REFERENCE_ENVIRON_KEY] = current_context().get("case_reference", "-")
        response[REQUEST_ID_HEADER] = request_id
        return response


def clear_request_context(**kwargs) -> None:
    set_log_context(request_id=None, case_reference=None)


request_finished.connect(clear_request_context, dispatch_uid="compassion.clear_request_context")


class NoStoreMiddleware:
    """Every page and download the app draws may hold personal data: browsers and proxies keep no
    copy of it (``Cache-Control: no-store, private``), unless the view said how to cache it.

    It stands after WhiteNoise, whose static files (hashed names, cached for long) never reach it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response


# Django makes session keys of 32 lowercase letters and digits.
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{32}")


class SessionCookieShapeMiddleware:
    """A session cookie not in the shape of a session key is no session: dropped before it
    reaches the session store (PostgreSQL refuses a NUL in a query, which would be a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if value is not None and not SESSION_KEY_SHAPE.fullmatch(value):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)
