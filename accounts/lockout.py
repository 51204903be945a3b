"""django-axes, our way: the "too many tries" page, and log lines without people in them."""

import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compassion import ratelimit


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


def username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes counts failures for: as typed, cut to the longest a username can be.

    Django's login form does not refuse a longer one before trying it, and axes would then write
    it whole into a column of 255 characters (PostgreSQL refuses that: a 500, found by the fuzz
    tests). No account has a longer username, so the cut changes whom nothing is counted for.
    """
    field = get_user_model().USERNAME_FIELD
    typed = credentials.get(field) if credentials else request.POST.get(field)
    if typed is None:
        return None
    return str(typed)[: get_user_model()._meta.get_field(field).max_length or 150]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the rate limits see it (NUM_PROXIES), if it is an address at all.

    A forwarded-for header is written by the client when no proxy is in front: axes keeps the
    address in an IP column, so what is not an address falls back to the connection's own.
    """
    for candidate in (ratelimit.client_address(request), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(candidate.strip()))
        except ValueError:
            continue
    return None
