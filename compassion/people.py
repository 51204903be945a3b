"""How staff members are named: their full name, else their username.

Pages (the ``staff_name`` template filter), e-mails, lists and choices all name a person this
way; "" for nobody (a deleted account leaves a reviewer or a decider empty), so nothing fails
for a person who has left.
"""

from django.contrib.auth.models import AbstractBaseUser


def staff_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
