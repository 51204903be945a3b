"""The ways a reminder reaches a person: one module per channel, and the registry below.

A channel renders a reminder into its message (and the personal link issued for it), sends it,
says whether a failure is permanent, and when the message must wait (texts wait out the
night). The dispatcher (``notifications.dispatch``) goes through this interface only, with the
same exactly-once rules, retries and failure marking for every channel. Adding a channel is a
module here, a line in ``CHANNELS`` and a choice of ``Reminder.Channel``.
"""

from .base import Channel, NoAddress, Outgoing, Stopped
from .email import EmailChannel
from .sms import SmsChannel

CHANNELS: dict[str, Channel] = {channel.name: channel for channel in (EmailChannel(), SmsChannel())}

__all__ = ["CHANNELS", "Channel", "NoAddress", "Outgoing", "Stopped"]
