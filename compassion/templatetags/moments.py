"""``{{ shift.starts_at|when:sent_at }}``: "tomorrow at 9:31", seen from the moment the message
is sent; ``{{ shift.ends_at|clock }}``: "13:31"."""

from datetime import datetime

from django import template

from compassion import moments

register = template.Library()


@register.filter
def when(moment: datetime | None, now: datetime | None = None) -> str:
    return moments.when(moment, now or None) if moment else ""


@register.filter
def clock(moment: datetime | None) -> str:
    return moments.until(moment) if moment else ""
