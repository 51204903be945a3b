"""Reads about staff accounts' security: their two-factor device, and what supervisors require."""

from django.contrib.auth.models import AbstractBaseUser
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityPolicy


def security_policy() -> SecurityPolicy:
    """The policy in force (an unsaved default until a supervisor first changes it)."""
    return SecurityPolicy.objects.filter(pk=1).select_related("changed_by").first() or SecurityPolicy(pk=1)


def two_factor_required() -> bool:
    return SecurityPolicy.objects.filter(pk=1, staff_two_factor_required=True).exists()


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's authenticator app, once set up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
