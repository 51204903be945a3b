"""What every channel offers the dispatcher."""

from datetime import datetime
from typing import Any, Protocol

from cases.models import AccessLink
from cases.services import WorkflowError

from ..emails import NoAddress
from ..models import Reminder

__all__ = ["Channel", "NoAddress", "Outgoing", "Stopped"]


class Stopped(WorkflowError):
    """The person said no to this channel (a STOP to texts): the reminder is cancelled, not failed."""


Outgoing = Any  # the rendered message: an EmailMessage, an SmsMessage


class Channel(Protocol):
    name: str

    def render(self, reminder: Reminder, *, sent_at: datetime) -> tuple[Outgoing, AccessLink | None]:
        """The message for this reminder and the personal link issued for it (not saved yet).
        Raises NoAddress, Stopped, or WorkflowError (the reminder is cancelled)."""

    def send(self, message: Outgoing) -> str:
        """Hand the message over; the gateway's id for it ("" when there is none)."""

    def is_permanent(self, error: Exception) -> bool:
        """Whether trying again cannot help."""

    def wait_until(self, reminder: Reminder, now: datetime) -> datetime | None:
        """When the message may go, if not now."""
