"""When something happens, said by its real distance from now, in the reader's language and the
site's time zone: "today at 9:31", "tomorrow at 9:31", "on Friday 5 December at 9:31".

A reminder sent the day before says "tomorrow"; the same reminder sent late (a shift confirmed
for later today) says "today". The distance is counted in calendar days where the reader is (the
current time zone), not in hours: 23:50 to 00:10 is "tomorrow".
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext


def when(moment: datetime, now: datetime | None = None) -> str:
    """``moment`` as a person says it, seen from ``now`` (the present by default)."""
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    days = (local.date() - today).days
    hour, values = local.hour, {"time": f"{local.hour}:{local.minute:02d}"}
    # The hour chooses the form: Spanish says "a la 1:30" but "a las 9:31".
    if days == 0:
        return ngettext("today at %(time)s", "today at %(time)s", hour) % values
    if days == 1:
        return ngettext("tomorrow at %(time)s", "tomorrow at %(time)s", hour) % values
    if days == -1:
        return ngettext("yesterday at %(time)s", "yesterday at %(time)s", hour) % values
    values |= {"weekday": WEEKDAYS[local.weekday()], "day": local.day, "month": MONTHS[local.month]}
    if local.year == today.year:
        return (
            ngettext(
                "on %(weekday)s %(day)s %(month)s at %(time)s", "on %(weekday)s %(day)s %(month)s at %(time)s", hour
            )
            % values
        )
    values["year"] = local.year
    return (
        ngettext(
            "on %(weekday)s %(day)s %(month)s %(year)s at %(time)s",
            "on %(weekday)s %(day)s %(month)s %(year)s at %(time)s",
            hour,
        )
        % values
    )


def until(moment: datetime) -> str:
    """The time of day of ``moment`` ("13:31"), in the current time zone."""
    local = timezone.localtime(moment)
    return f"{local.hour}:{local.minute:02d}"


def ago(moment: datetime, now: datetime | None = None) -> str:
    """How long ago, for staff pages: "just now" under a minute, else "2 minutes ago", "1 hour ago"."""
    now = now or timezone.now()
    if now - moment < timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(moment, now, depth=1)}
