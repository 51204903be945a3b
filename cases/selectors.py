"""Reads for the case pages. Every page that shows a case goes through ``case_for_user``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from compassion.logging import bind_case_reference

from .models import Case, CaseEvent, Participant
from .roles import CASEWORKER_GROUP, SUPERVISOR_GROUP, is_caseworker, is_supervisor

User = get_user_model()


def cases_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """A supervisor sees every case, a caseworker the cases assigned to them, anyone else none."""
    if is_supervisor(user):
        return Case.objects.all()
    if is_caseworker(user):
        return Case.objects.filter(caseworker=user)
    return Case.objects.none()


def case_for_user(*, user: AbstractBaseUser | AnonymousUser, reference: str) -> Case:
    """The case with this reference, or 404 when it does not exist or the user may not see it."""
    case = (
        cases_visible_to(user)
        .select_related("incident__business", "caseworker")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404("No case with that reference.")
    bind_case_reference(case.reference)
    return case


def case_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """The user's cases with what a row of the list shows, in a single query."""
    customer = Participant.objects.filter(case=OuterRef("pk"), role=Participant.Role.CUSTOMER)
    return (
        cases_visible_to(user)
        .select_related("incident__business", "caseworker")
        .annotate(customer_name=Subquery(customer.values("name")[:1]))
        .order_by("-opened_at", "-id")
    )


def case_participants(case: Case) -> QuerySet[Participant]:
    return case.participants.order_by("role", "id")


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    """The case's events, newest first, with who did them."""
    return case.events.select_related("actor", "actor_participant").order_by("-created_at", "-id")


def staff_who_can_hold_cases() -> QuerySet:
    """Caseworkers and supervisors, for assignment choices."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[CASEWORKER_GROUP, SUPERVISOR_GROUP])
        .distinct()
        .order_by("username")
    )
