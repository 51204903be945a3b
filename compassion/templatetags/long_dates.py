"""Days and times written out for the people the program writes to, in their language:
"Wednesday 25 November 2026, 14:00", "miércoles 25 de noviembre de 2026, 14:00".

The pattern is translated (a Spanish date needs "de" between its parts), so each language
writes dates the way its readers do.
"""

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import pgettext

register = template.Library()


def _local(value):
    return timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value


@register.filter
def long_day(value: datetime | date | None) -> str:
    if value in (None, ""):
        return ""
    return dateformat.format(_local(value), pgettext("a long date, Django date format", "l j F Y"))


@register.filter
def long_moment(value: datetime | None) -> str:
    if value in (None, ""):
        return ""
    return dateformat.format(_local(value), pgettext("a long date and time, Django date format", "l j F Y, H:i"))
