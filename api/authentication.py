"""How the API knows who calls: a personal token in ``Authorization: Bearer <token>``, and what it may do."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from .models import ApiToken
from .services import token_hash

# Writing "last used" on every request would make each read a write; once a minute is enough to see.
LAST_USED_EVERY = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Bearer <token>.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token was revoked.")
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("This token has expired; make a new one on your account page.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token from your account page."}


class HasScope(permissions.BasePermission):
    """The view's ``required_scope`` must be one of the token's scopes."""

    message = "This token may not do this: make one with the scope it needs."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True
        if scope in token.scopes:
            return True
        self.message = f"This token may not do this: it needs the scope {scope}."
        return False


class PerTokenThrottle(throttling.SimpleRateThrottle):
    """Each token has its own count of requests (API_REQUESTS_PER_MINUTE)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"t{token.pk}"}
