"""Production settings: secure cookies, HSTS and HTTPS; lock-out, two-factor and CSP wired in."""

import json

from .test_settings import PRODUCTION_ENV, manage

SHOW = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS", "DEBUG", "AXES_FAILURE_LIMIT", "LOGIN_LOCKOUT_MINUTES", "AUTHENTICATION_BACKENDS",
    "MIDDLEWARE", "AUTH_PASSWORD_VALIDATORS", "CELERY_BROKER_TRANSPORT_OPTIONS", "BROKER_FAIL_FAST_OPTIONS",
]}))
"""


def production_settings(**extra: str) -> dict:
    result = manage("shell", "-c", SHOW, **PRODUCTION_ENV, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_http_only_and_same_site():
    settings = production_settings()

    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["DEBUG"] is False


def test_production_settings_turn_on_hsts_and_the_https_redirect():
    settings = production_settings()

    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_REFERRER_POLICY"] == "same-origin"
    assert settings["X_FRAME_OPTIONS"] == "DENY"


def test_lock_out_two_factor_csp_and_password_validators_are_wired_in():
    settings = production_settings()

    assert settings["AUTHENTICATION_BACKENDS"][0] == "accounts.backends.LockoutBackend"
    assert settings["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    middleware = settings["MIDDLEWARE"]
    assert "csp.middleware.CSPMiddleware" in middleware
    authentication = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware.index("django_otp.middleware.OTPMiddleware") == authentication + 1
    assert middleware.index("accounts.middleware.TwoFactorMiddleware") > middleware.index(
        "django.contrib.auth.middleware.LoginRequiredMiddleware"
    )
    assert len(settings["AUTH_PASSWORD_VALIDATORS"]) == 4
    assert (settings["AXES_FAILURE_LIMIT"], settings["LOGIN_LOCKOUT_MINUTES"]) == (5, 30)


def test_the_lock_out_limits_come_from_the_environment():
    settings = production_settings(LOGIN_FAILURE_LIMIT="8", LOGIN_LOCKOUT_MINUTES="60")

    assert (settings["AXES_FAILURE_LIMIT"], settings["LOGIN_LOCKOUT_MINUTES"]) == (8, 60)


def test_a_web_request_does_not_wait_for_a_redis_that_is_down():
    settings = production_settings()

    assert settings["CELERY_BROKER_TRANSPORT_OPTIONS"] == settings["BROKER_FAIL_FAST_OPTIONS"]
    assert settings["CELERY_BROKER_TRANSPORT_OPTIONS"]["max_retries"] == 1
