"""Each text a file under ``SMS_FILE_PATH`` (``var/sms/``), where a person can read it: ``make run``."""

import secrets
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .. import SmsMessage


class SmsBackend:
    def send(self, message: SmsMessage) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sid = f"SMfile{secrets.token_hex(8)}"
        now = timezone.localtime()
        name = folder / f"{now:%Y%m%d-%H%M%S}-{sid}.txt"
        name.write_text(
            f"To: {message.to}\nDate: {now.isoformat()}\nReference: {message.reference}\nId: {sid}\n\n{message.body}\n",
            encoding="utf-8",
        )
        return sid
