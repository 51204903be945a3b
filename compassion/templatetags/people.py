"""``{{ case.caseworker|staff_name }}``: a staff member as pages name them (``compassion/people.py``)."""

from django import template

from compassion import people

register = template.Library()


@register.filter
def staff_name(user) -> str:
    return people.staff_name(user)
