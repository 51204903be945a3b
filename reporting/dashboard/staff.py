"""The staff on a supervisor's dashboard: everyone's case load, and a user's own calendar feed."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, FilteredRelation, Q, QuerySet

from cases.models import CalendarFeed, Case
from cases.selectors import staff_who_can_hold_cases
from compassion.prepared import Prepared
from reconciliation.registry import REGISTRY

from .scope import Moment

User = get_user_model()


def caseloads(moment: Moment) -> list[AbstractBaseUser]:
    """Every active caseworker and supervisor, by username, with their calendar feed and their open
    cases at each step (``step_1`` …), ``open_cases``, ``paused_cases``, ``high_risk`` and ``quiet``,
    in one query (``CASELOADS``, prepared).
    """
    staff = CASELOADS.rows(quiet_since=moment.quiet_since)
    for person in staff:  # every open case is at one step
        person.open_cases = sum(getattr(person, f"step_{step.number}") for step in REGISTRY)
    return staff


def _caseloads(*, quiet_since: datetime) -> QuerySet:
    """The staff and their counts. Only their open and paused cases are joined (through the status
    index): closed history does not slow it down."""
    open_case = Q(held__status=Case.Status.OPEN)
    per_step = {f"step_{s.number}": Count("held", filter=open_case & Q(held__step=s.number)) for s in REGISTRY}
    current = Q(assigned_cases__status__in=Case.ACTIVE_STATUSES)
    return (
        User.objects.filter(pk__in=staff_who_can_hold_cases().values("pk"))
        .select_related("calendar_feed")
        .alias(held=FilteredRelation("assigned_cases", condition=current))
        .annotate(
            **per_step,
            paused_cases=Count("held", filter=Q(held__status=Case.Status.PAUSED)),
            high_risk=Count("held", filter=open_case & Q(held__risk=Case.Risk.HIGH)),
            quiet=Count("held", filter=open_case & Q(held__last_activity_at__lt=quiet_since)),
        )
        .order_by("username")
    )


# Built and compiled once per process (``compassion.prepared``): building and compiling this query
# of counts, on each supervisor's dashboard, was about a ninth of the page's Python calls.
CASELOADS = Prepared(_caseloads, quiet_since=datetime)


def calendar_feed(user: AbstractBaseUser) -> CalendarFeed | None:
    """The user's calendar feed, if any (one query)."""
    return CalendarFeed.objects.filter(user=user).first()
