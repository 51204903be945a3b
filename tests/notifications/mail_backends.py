"""E-mail backends that fail the way mail servers do, for the dispatcher's tests."""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

# Addresses the flaky backend refuses (a test fills it and empties it), and every message it was given.
REFUSED: set[str] = set()
TRIED: list = []


class DownBackend(BaseEmailBackend):
    """The mail server does not answer in time."""

    def send_messages(self, messages):
        raise TimeoutError("timed out")


class FlakyBackend(BaseEmailBackend):
    """Refuses messages to the addresses in REFUSED; delivers the others to the test outbox."""

    def send_messages(self, messages):
        for message in messages:
            TRIED.append(message)
            if any(address in recipient for recipient in message.to for address in REFUSED):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"Try again later")})
            mail.outbox.append(message)
        return len(messages)


class KilledBackend(BaseEmailBackend):
    """The worker process is killed while it talks to the mail server."""

    def send_messages(self, messages):
        raise SystemExit("killed")
