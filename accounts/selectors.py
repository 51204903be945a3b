"""Reads about staff accounts' security: their two-factor device, and what supervisors require."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.roles import in_role_groups

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


def two_factor_state(user: AbstractBaseUser) -> tuple[bool, bool, set[str]]:
    """(the user has an authenticator app, supervisors require two-factor, the user's role groups), in one query.

    Asked before every staff page of a user who has not given a code in this session; the page
    itself then asks the groups (``cases.roles``).
    """
    device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    required = SecurityPolicy.objects.filter(pk=1, staff_two_factor_required=True)
    groups = in_role_groups()
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(has_device=Exists(device), required=Exists(required), **groups)
        .first()
    )
    if row is None:
        return False, False, set()
    return row["has_device"], row["required"], {name for name in groups if row[name]}
