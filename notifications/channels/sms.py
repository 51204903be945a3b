"""Text messages: short templates (``templates/sms/``) with the personal link, through ``SMS_BACKEND``.

A text is never sent to a number that answered STOP (read again just before sending), and
never at night in the person's time zone (``SMS_QUIET_HOURS``): it waits for the morning.
"""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from cases.links import link_for_email, portal_path
from cases.models import Participant
from compassion.phones import time_zone_of

from .. import quiet_hours
from ..emails import contact_of
from ..models import Reminder
from ..sms import SmsError, SmsMessage, segments, send_sms
from .base import NoAddress, Stopped

MEETING_KINDS = frozenset({Reminder.Kind.MEETING_TOMORROW, Reminder.Kind.MEETING_SCHEDULED})


class SmsChannel:
    name = Reminder.Channel.SMS

    def render(self, reminder: Reminder, *, sent_at: datetime):
        person = reminder.participant
        if person is None:
            raise NoAddress("Texts go to participants only.")
        if not settings.SMS_ENABLED:
            raise Stopped("Text messages are turned off (SMS_ENABLED).")
        if not (person.phone and person.phone.is_valid()):
            raise NoAddress(f"{person.name} has no phone number that takes texts.")
        if Participant.objects.filter(pk=person.pk, texts_stopped_at__isnull=False).exists():
            raise Stopped(f"{person.name} answered STOP: no texts are sent to them.")
        link, token = link_for_email(participant=person, emailed_at=sent_at)
        context = {
            "reminder": reminder,
            "case": reminder.case,
            "name": person.name,
            "first_name": person.name.split()[0] if person.name.split() else person.name,
            "participant": person,
            "business": reminder.case.incident.business,
            "shift": reminder.shift,
            "checkin": reminder.checkin,
            "meeting": getattr(reminder.case, "meeting", None) if reminder.kind in MEETING_KINDS else None,
            "sent_at": sent_at,  # "today at 9:31" or "tomorrow at 9:31" is seen from here
            "link_url": settings.SITE_URL + portal_path(token),
            **contact_for_texts(reminder.case),
        }
        body = sms_body(reminder.kind, person.preferred_language, context)
        return SmsMessage(to=person.phone.as_e164, body=body, reference=f"reminder-{reminder.pk}"), link

    def send(self, message: SmsMessage) -> str:
        return send_sms(message)

    def is_permanent(self, error: Exception) -> bool:
        return isinstance(error, SmsError) and error.permanent

    def wait_until(self, reminder: Reminder, now: datetime) -> datetime | None:
        person = reminder.participant
        return quiet_hours.ends_at(now, time_zone_of(person.phone if person else None))


def contact_for_texts(case) -> dict:
    """Whom to ask, in few characters: the caseworker's first name and phone, or PLI's line."""
    contact = contact_of(case)
    return {"contact_name": contact.first_name or "PLI", "contact_phone": contact.phone}


def sms_body(kind: str, language: str, context: dict) -> str:
    """The text of a reminder of this kind, in this language: one paragraph, spaces tidied."""
    with translation.override(language):
        text = render_to_string(f"sms/reminder_{kind}.txt", context)
    return segments.fit(" ".join(text.split()))
