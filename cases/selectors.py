"""Reads for the case pages. Every page that shows a case goes through ``case_for_user``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, FilteredRelation, Q, QuerySet
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
    """The user's cases with what a row of the list shows, in a single query, newest first.

    The customer's name comes from a join (a case has one customer), not a subquery per row:
    the CSV export of every case reads it in one pass.
    """
    return (
        cases_visible_to(user)
        .annotate(
            customer=FilteredRelation("participants", condition=Q(participants__role=Participant.Role.CUSTOMER)),
            customer_name=F("customer__name"),
        )
        .select_related("incident__business", "caseworker")
        .order_by("-opened_at", "-id")
    )


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


def participant_link_rows(case: Case) -> list[dict]:
    """Each participant with the state of their personal links, for the case page (two queries)."""
    participants = case.participants.prefetch_related("access_links").order_by("role", "id")
    rows = []
    for participant in participants:
        links = list(participant.access_links.all())  # newest first (model ordering)
        active = [link for link in links if link.state == link.State.ACTIVE]
        used = [link.last_used_at for link in links if link.last_used_at]
        rows.append(
            {
                "participant": participant,
                "latest": links[0] if links else None,
                "active": active,
                "expires_at": max((link.expires_at for link in active), default=None),
                "last_used_at": max(used, default=None),
                "emailed_at": max((link.emailed_at for link in links if link.emailed_at), default=None),
            }
        )
    return rows
