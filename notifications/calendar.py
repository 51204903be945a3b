"""Calendar files (.ics) for role-swap shifts, personal time and restorative meetings.

One place builds the events, so the portal's downloads, the e-mails and the caseworkers'
calendar feeds all say the same thing, in the language active when they are built (the
participant's, for their downloads and e-mails). Events carry no contact details.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from reconciliation.models import PersonalTime, RestorativeMeeting, RoleSwapShift

PRODID = "-//Peaceful Leadership Institute//Compassion case manager//EN"


def _event(uid: str, summary: str, start: datetime, end: datetime, location: str, description: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{settings.CALENDAR_UID_DOMAIN}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    return event


def shift_event(shift: RoleSwapShift) -> Event:
    return _event(
        f"shift-{shift.pk}",
        _("Role-swap shift: %(role)s (%(reference)s)") % {"role": shift.role, "reference": shift.case.reference},
        shift.starts_at,
        shift.ends_at,
        shift.location,
        _("Supervisor on site: %(supervisor)s") % {"supervisor": shift.supervisor_on_site},
    )


def meeting_event(meeting: RestorativeMeeting) -> Event:
    return _event(
        f"meeting-{meeting.pk}",
        _("Restorative meeting (%(reference)s)") % {"reference": meeting.case.reference},
        meeting.scheduled_at,
        meeting.scheduled_at + settings.MEETING_DURATION,
        meeting.location,
        f"{meeting.get_format_display()}. "
        + _("Facilitator: %(facilitator)s") % {"facilitator": meeting.facilitator},
    )


def personal_time_event(time: PersonalTime) -> Event:
    return _event(
        f"personal-time-{time.pk}",
        _("Personal time (%(reference)s)") % {"reference": time.case.reference},
        time.starts_at,
        time.ends_at,
        time.location,
        time.activity,
    )


def calendar_bytes(events: Iterable[Event], name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name or _("PLI · Customer Compassion Project"))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
