"""The e-mail a reminder becomes: its templates, language, personal link and calendar file.

Participants get the e-mail in their language with a personal link of its own (issued now,
so it is never an expired one); staff get it in the site's language with a link to the case.
Shift and meeting e-mails carry an .ics file (``notifications.calendar``).
"""

import functools
from datetime import datetime
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from cases.contact import Contact, case_contact, reply_to
from cases.links import link_for_email, portal_path
from cases.models import AccessLink, Case
from cases.services import WorkflowError
from compassion.emails import Attachment, render_email
from compassion.people import staff_name
from reconciliation.models import RestorativeMeeting

from . import calendar, hooks
from .models import Reminder

Kind = Reminder.Kind
SHIFT_KINDS = frozenset({Kind.SHIFT_PROPOSED, Kind.SHIFT_UNCONFIRMED, Kind.SHIFT_TOMORROW, Kind.SHIFT_CONFIRMED})
MEETING_KINDS = frozenset({Kind.MEETING_TOMORROW, Kind.MEETING_SCHEDULED})
PERSONAL_TIME_KINDS = frozenset({Kind.PERSONAL_TIME_PROPOSED, Kind.PERSONAL_TIME_TOMORROW})


class NoAddress(Exception):
    """The reminder cannot be sent to anyone: trying again will not help."""


def message_id(reminder: Reminder) -> str:
    """The same for every attempt, so that a copy sent twice after a crash is recognisable."""
    return f"<reminder-{reminder.pk}@{_domain_of(settings.DEFAULT_FROM_EMAIL)}>"


@functools.lru_cache(maxsize=8)
def _domain_of(sender: str) -> str:
    """The sender's domain, parsed once per sender rather than once per e-mail."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def reminder_email(reminder: Reminder, *, emailed_at: datetime) -> tuple[EmailMultiAlternatives, AccessLink | None]:
    """The e-mail for this reminder, and the personal link issued for it (None for staff).

    The link is e-mailed at ``emailed_at`` and not saved yet: the caller saves it with the
    record of the e-mail, in the transaction that sends it. Raises ``NoAddress`` when the
    recipient has no e-mail address, ``WorkflowError`` (the reminder is cancelled) when it is for a
    staff member whose account is deactivated. What the e-mail shows is read from the reminder's
    relations: the dispatcher loads them for a whole batch at once.
    """
    case = reminder.case
    person, user = reminder.participant, reminder.user
    if person is not None:
        name, address, language = person.name, person.email, person.preferred_language
    elif user is not None:
        name, address, language = staff_name(user), user.email, settings.LANGUAGE_CODE
        if not user.is_active:  # someone who left PLI gets no more e-mail about its cases
            raise WorkflowError(f"{name}'s account is deactivated: no e-mail is sent to them.")
    else:
        raise NoAddress("The person this reminder was for is no longer on record.")
    if not address:
        raise NoAddress(f"{name} has no e-mail address.")

    context = {
        "reminder": reminder,
        "case": case,
        "name": name,
        "participant": person,
        "business": case.incident.business,
        "shift": reminder.shift,
        "plan": reminder.plan,
        "checkin": reminder.checkin,
        "personal_time": reminder.personal_time,
        "failed": reminder.failed_reminder,
        "meeting": None,
        "sent_at": emailed_at,  # "today at 9:31" or "tomorrow at 9:31" is seen from here
        "contact": contact_of(case) if person is not None else None,
    }
    link = None
    if person is not None:
        link, token = link_for_email(participant=person, emailed_at=emailed_at)
        context.update(link_url=settings.SITE_URL + portal_path(token), link_expires=link.expires_at)
        if person.role == person.Role.AGENT:  # two plain ways out, in every message to a staff member who was hurt
            context.update(
                stop_url=settings.SITE_URL + reverse("portal:stop", args=[token]),
                talk_url=settings.SITE_URL + reverse("portal:talk", args=[token]),
            )
    else:
        context["case_url"] = settings.SITE_URL + case.get_absolute_url()

    attachments: list[Attachment] = []
    with translation.override(language):  # calendar files in the reader's language, as the e-mail
        if reminder.kind in SHIFT_KINDS and reminder.shift is not None:
            attachments.append(("shift.ics", calendar.calendar_bytes([calendar.shift_event(reminder.shift)]), _ICS))
        if reminder.kind in PERSONAL_TIME_KINDS and reminder.personal_time is not None:
            event = calendar.personal_time_event(reminder.personal_time)
            attachments.append(("personal-time.ics", calendar.calendar_bytes([event]), _ICS))
        if reminder.kind in MEETING_KINDS:
            meeting = _meeting(case)
            context["meeting"] = meeting
            if meeting is not None and meeting.scheduled_at:
                attachments.append(("meeting.ics", calendar.calendar_bytes([calendar.meeting_event(meeting)]), _ICS))

    for hook in hooks.reminder_email:  # what the apps above add (a task's title)
        context.update(hook(reminder))

    message = render_email(
        template=f"reminder_{reminder.kind}",
        to=formataddr((name, address)),
        language=language,
        context=context,
        attachments=attachments,
        # Auto-Submitted keeps out-of-office replies from answering a robot (RFC 3834).
        headers={"Message-ID": message_id(reminder), "Auto-Submitted": "auto-generated"},
        # A participant's reply reaches their caseworker (or PLI's inbox), never the no-reply sender.
        reply_to=reply_to(case) if person is not None else "",
    )
    return message, link


def contact_of(case: Case) -> Contact:
    """Whom the case's participants ask: as the dispatcher worked it out for its batch, else read now."""
    return getattr(case, "batch_contact", None) or case_contact(case)


def _meeting(case) -> RestorativeMeeting | None:
    try:
        return case.meeting  # read with the case when the dispatcher loaded it so
    except RestorativeMeeting.DoesNotExist:
        return None


_ICS = "text/calendar"
