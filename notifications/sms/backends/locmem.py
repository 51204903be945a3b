"""Texts kept in ``notifications.sms.outbox``, for tests."""

from itertools import count

from .. import SmsMessage, outbox

_ids = count(1)


class SmsBackend:
    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return f"SMlocmem{next(_ids)}"
