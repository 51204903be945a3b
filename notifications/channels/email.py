"""E-mail: the reminder's templates, its personal link and calendar file (``notifications.emails``)."""

from datetime import datetime

from django.core.mail import EmailMessage

from ..emails import reminder_email
from ..models import Reminder


class EmailChannel:
    name = Reminder.Channel.EMAIL

    def render(self, reminder: Reminder, *, sent_at: datetime):
        return reminder_email(reminder, emailed_at=sent_at)

    def send(self, message: EmailMessage) -> str:
        message.send()
        return ""

    def is_permanent(self, error: Exception) -> bool:
        return False  # a mail server's error is tried again, up to REMINDER_MAX_ATTEMPTS

    def wait_until(self, reminder: Reminder, now: datetime) -> datetime | None:
        return None
