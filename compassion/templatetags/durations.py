"""``{{ shift.minutes_attended|duration }}``: "1 hour 30 minutes", in the page's language."""

from django import template

from compassion.durations import duration as in_words

register = template.Library()


@register.filter
def duration(minutes: int | None) -> str:
    return in_words(minutes)
