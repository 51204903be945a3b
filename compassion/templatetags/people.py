"""``{{ case.caseworker|staff_name }}``: a staff member as pages name them.

Their full name, or their username when they have none; nothing at all when there is nobody
(an account that was deleted leaves ``reviewed_by`` and the like empty), so a page never fails
for a person who has left.
"""

from django import template

register = template.Library()


@register.filter
def staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
