"""The staff on a supervisor's dashboard: everyone's case load, and a user's own calendar feed."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, FilteredRelation, Q

from cases.models import CalendarFeed, Case
from cases.selectors import staff_who_can_hold_cases
from reconciliation.registry import REGISTRY

from .scope import Moment

User = get_user_model()


def caseloads(moment: Moment) -> list[AbstractBaseUser]:
    """Every active caseworker and supervisor, by username, with their calendar feed and their open
    cases at each step (``step_1`` …), ``open_cases``, ``paused_cases``, ``high_risk`` and ``quiet``,
    in one query.

    Only their open and paused cases are joined (through the status index): closed history does
    not slow it down.
    """
    open_case = Q(held__status=Case.Status.OPEN)
    per_step = {f"step_{s.number}": Count("held", filter=open_case & Q(held__step=s.number)) for s in REGISTRY}
    current = Q(assigned_cases__status__in=Case.ACTIVE_STATUSES)
    staff = list(
        User.objects.filter(pk__in=staff_who_can_hold_cases().values("pk"))
        .select_related("calendar_feed")
        .alias(held=FilteredRelation("assigned_cases", condition=current))
        .annotate(
            **per_step,
            paused_cases=Count("held", filter=Q(held__status=Case.Status.PAUSED)),
            high_risk=Count("held", filter=open_case & Q(held__risk=Case.Risk.HIGH)),
            quiet=Count("held", filter=open_case & Q(held__last_activity_at__lt=moment.quiet_since)),
        )
        .order_by("username")
    )
    for person in staff:  # every open case is at one step
        person.open_cases = sum(getattr(person, step) for step in per_step)
    return staff


def calendar_feed(user: AbstractBaseUser) -> CalendarFeed | None:
    """The user's calendar feed, if any (one query)."""
    return CalendarFeed.objects.filter(user=user).first()
