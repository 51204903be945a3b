"""Two-factor at the door of every staff page.

After the password, a staff member whose account has an authenticator app is asked for a
code before any page that needs a login (``accounts:two_factor_verify``). When supervisors
require two-factor, a staff member without an app is sent to set one up first. Pages that
need no login (the portal, the referral form, the login page, ``/healthz``) are untouched.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from cases import roles

from . import selectors

# Reachable half-way through logging in: leaving, and the two-factor pages themselves.
_ALWAYS_OPEN = frozenset({"logout", "admin:logout", "accounts:two_factor_verify"})
_OPEN_WHILE_SETTING_UP = _ALWAYS_OPEN | {"accounts:two_factor_setup"}


class TwoFactorMiddleware:
    """Goes after AuthenticationMiddleware, django-otp's OTPMiddleware and LoginRequiredMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs) -> HttpResponse | None:
        if getattr(view_func, "login_required", True) is False:
            return None  # a public page: the portal, the referral form, the login page
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in _ALWAYS_OPEN:
            return None
        has_device, required, groups = selectors.two_factor_state(user)
        roles.remember_groups(user, groups)
        if has_device:
            return _go("accounts:two_factor_verify", request)
        if view_name not in _OPEN_WHILE_SETTING_UP and required:
            return _go("accounts:two_factor_setup", request)
        return None


def _go(name: str, request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return HttpResponseRedirect(reverse(name) + (f"?{query}" if query else ""))
