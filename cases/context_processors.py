from django.http import HttpRequest

from .roles import is_caseworker, is_supervisor


def staff_roles(request: HttpRequest) -> dict:
    """Lets templates show or hide staff-only navigation."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"is_caseworker": is_caseworker(user), "is_supervisor": is_supervisor(user)}
