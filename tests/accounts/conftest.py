from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device: TOTPDevice, *, later_steps: int = 0) -> str:
    """The code the staff member's app shows now (or that many 30-second steps later)."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + later_steps)
    return f"{value:0{device.digits}d}"


def code_for_key(hex_key: str) -> str:
    """The code an app set up with this key shows now."""
    return f"{totp(bytes.fromhex(hex_key)):06d}"


def pending_key(client) -> str:
    """The key of the app being set up in this browser's session."""
    return client.session["two_factor_pending_key"]


def with_app(user) -> TOTPDevice:
    """The user set up an authenticator app some time ago."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def next_step():
    """Move the clock on past the current code's 30 seconds (a code is good once)."""

    def move():
        traveller = time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True)
        traveller.start()
        travels.append(traveller)

    travels = []
    yield move
    for traveller in reversed(travels):
        traveller.stop()
