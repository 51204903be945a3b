"""Two-factor sign-in for staff (TOTP, an authenticator app) and the supervisors' switch that requires it.

A staff member sets up an authenticator app from their account page: its new key waits in
their session, and becomes a TOTP device of theirs once they type a code the app shows. From
then on, every login asks for a code (``accounts.middleware.TwoFactorMiddleware``). Supervisors
can require two-factor for every staff account; those without an app are sent to set one up.
"""

import logging
import time
from base64 import b32encode

import django_otp
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from cases.roles import is_supervisor
from cases.services import WorkflowError

from . import selectors
from .models import SecurityPolicy

logger = logging.getLogger(__name__)

DEVICE_NAME = "Authenticator app"
PENDING_KEY_SESSION_KEY = "two_factor_pending_key"


def device_secret(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor_key_pending(*, user: AbstractBaseUser, session) -> str:
    """The key of the app a staff member is setting up, kept in their session until a code confirms it.

    Nothing is saved before that: reloading the page shows the same key, and a wrong code
    leaves no trace.
    """
    if selectors.has_confirmed_device(user):
        raise WorkflowError("Two-factor is already on for your account. Turn it off first to move to another app.")
    key = session.get(PENDING_KEY_SESSION_KEY)
    if not key:
        key = session[PENDING_KEY_SESSION_KEY] = default_key()
    return key


def pending_device(*, user: AbstractBaseUser, key: str) -> TOTPDevice:
    """The device as it will be saved (not saved): for its QR code and key."""
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False)


def _check(device_pk: int, token: str) -> TOTPDevice:
    """The device, locked, if ``token`` is its current code; a refusal otherwise.

    A wrong code counts against the device (django-otp then makes each next try wait longer),
    so the check commits before it refuses.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device_pk)
        allowed, _why = device.verify_is_allowed()
        verified = allowed and device.verify_token((token or "").replace(" ", ""))
    if not allowed:
        raise WorkflowError("Too many wrong codes. Wait a minute, then type the newest code your app shows.")
    if not verified:
        raise WorkflowError("That code is not right. Type the six digits your app shows now.")
    return device


@transaction.atomic
def two_factor_confirm(*, request: HttpRequest, token: str) -> TOTPDevice:
    """Save the app being set up once it shows the right code; this session counts as verified from now on."""
    user, session = request.user, request.session
    key = session.get(PENDING_KEY_SESSION_KEY)
    if not key:
        raise WorkflowError("Start the set-up again: open “Set up two-factor”.")
    if selectors.has_confirmed_device(user):
        raise WorkflowError("Two-factor is already on for your account.")
    device = pending_device(user=user, key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    try:
        code = int((token or "").replace(" ", ""))
    except ValueError:
        code = None
    if code is None or not totp.verify(code, device.tolerance):
        raise WorkflowError("That code is not right. Type the six digits your app shows now.")
    device.confirmed = True
    device.last_t = totp.t()  # this code cannot be used again to log in
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    del session[PENDING_KEY_SESSION_KEY]
    django_otp.login(request, device)
    logger.info("two-factor turned on for user %s", user.pk)
    return device


def two_factor_verify(*, request: HttpRequest, token: str) -> TOTPDevice:
    """The second step of logging in: a code from the staff member's app."""
    device = selectors.confirmed_device(request.user)
    if device is None:
        raise WorkflowError("Two-factor is not set up for your account.")
    try:
        device = _check(device.pk, token)
    except WorkflowError:
        logger.warning("wrong two-factor code for user %s", request.user.pk)
        raise
    django_otp.login(request, device)
    return device


def two_factor_disable(*, request: HttpRequest, token: str) -> None:
    """Turn two-factor off for one's own account, proving with a current code that one holds the app."""
    two_factor_verify(request=request, token=token)
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.user.otp_device = None
    logger.info("two-factor turned off for user %s", request.user.pk)


@transaction.atomic
def two_factor_policy_set(*, required: bool, by: AbstractBaseUser) -> SecurityPolicy:
    """A supervisor requires two-factor for every staff account, or stops requiring it.

    Requiring it needs the supervisor's own app set up first, so that nobody requires what
    they have not tried.
    """
    if not is_supervisor(by):
        raise WorkflowError("Only a supervisor can change this.")
    if required and not selectors.has_confirmed_device(by):
        raise WorkflowError("Set up two-factor for your own account first, then require it for everyone.")
    policy, _created = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)
    policy.staff_two_factor_required = required
    policy.changed_by = by
    policy.changed_at = timezone.now()
    policy.save()
    logger.info("two-factor %s for all staff by user %s", "required" if required else "made optional", by.pk)
    return policy
