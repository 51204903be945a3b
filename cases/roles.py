"""Who is who among PLI staff. Roles are Django groups, created by a migration."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CASEWORKER_GROUP = "caseworker"
SUPERVISOR_GROUP = "supervisor"


def _group_names(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    # Cached on the user object: templates and selectors ask several times per request.
    if not hasattr(user, "_pli_groups"):
        user._pli_groups = set(user.groups.values_list("name", flat=True))
    return user._pli_groups


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or SUPERVISOR_GROUP in _group_names(user)))


def is_caseworker(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Any PLI staff member who may hold cases: caseworkers and supervisors."""
    return is_supervisor(user) or CASEWORKER_GROUP in _group_names(user)
