"""Who is who among PLI staff. Roles are Django groups, created by a migration."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest

CASEWORKER_GROUP = "caseworker"
SUPERVISOR_GROUP = "supervisor"
ROLE_GROUPS = (CASEWORKER_GROUP, SUPERVISOR_GROUP)


def _group_names(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    # Cached on the user object: templates and selectors ask several times per request.
    if not hasattr(user, "_pli_groups"):
        user._pli_groups = set(user.groups.values_list("name", flat=True))
    return user._pli_groups


def in_role_groups() -> dict[str, Exists]:
    """For a query of users: whether each is in each role's group, by group name."""
    return {name: Exists(Group.objects.filter(user=OuterRef("pk"), name=name)) for name in ROLE_GROUPS}


def remember_groups(user: AbstractBaseUser, names: set[str]) -> None:
    """The user's role groups, read along with something else: the checks below then ask no more."""
    user._pli_groups = names


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or SUPERVISOR_GROUP in _group_names(user)))


def is_caseworker(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Any PLI staff member who may hold cases: caseworkers and supervisors."""
    return is_supervisor(user) or CASEWORKER_GROUP in _group_names(user)


def staff_only(request: HttpRequest) -> None:
    """Pages for staff: a logged-in account without a staff role sees none of them (404, as for a stranger)."""
    if not is_caseworker(request.user):
        raise Http404("Not found.")
