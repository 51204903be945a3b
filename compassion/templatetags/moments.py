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


@register.filter
def ago(moment: datetime | None) -> str:
    """``{{ reminder.sent_at|ago }}``: "just now", "2 minutes ago"."""
    return moments.ago(moment) if moment else ""
