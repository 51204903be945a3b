"""Text messages, in the shape of Django's e-mail: a message, and backends that send it.

``SMS_BACKEND`` names the backend: ``filebased`` (the embedded default, one file per message
under ``var/sms/``), ``locmem`` (tests: ``notifications.sms.outbox``), ``twilio`` (production,
configured by ``SMS_URL``). A backend's ``send`` returns the gateway's id of the message, or
raises ``SmsError``, whose ``permanent`` says whether trying again can help.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list["SmsMessage"] = []  # what the locmem backend "sent"


@dataclass
class SmsMessage:
    to: str  # E.164
    body: str
    reference: str = ""  # ours, for the file backend and the logs (never the person's name)


class SmsError(Exception):
    """The gateway did not take the message. ``permanent``: trying again will not help (a number
    that takes no texts, a person who answered STOP)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(message: SmsMessage) -> str:
    """Send one text; the gateway's id for it."""
    return get_backend().send(message)
