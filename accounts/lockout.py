"""django-axes, our way: the "too many tries" page, and log lines without people in them."""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    """The page after too many wrong passwords for one username from one address (429)."""
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": settings.LOGIN_LOCKOUT_MINUTES}
    return render(request, "registration/locked_out.html", context, status=429)


def client_str(username: str | None, ip_address: str | None, user_agent: str, path_info, request: HttpRequest) -> str:
    """How axes names an attempt in its log lines: never the username or the address.

    Logs hold ids, not people (README, "Watching it"). The lock-out still counts by username
    and address (in the database); the log carries a short digest of the pair, enough to see
    that the same pair keeps failing.
    """
    pair = f"{username or ''}\n{ip_address or ''}".encode()
    path = path_info[0] if isinstance(path_info, (tuple, list)) else path_info
    return f"{{attempt: {hashlib.sha256(pair).hexdigest()[:12]}, path: {path}}}"
