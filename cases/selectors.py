"""Reads for the case pages. Every page that shows a case goes through ``case_for_user``."""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, FilteredRelation, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from compassion.logging import bind_case_reference
from compassion.prepared import Prepared

from . import hooks
from .models import UNREACHABLE, AccessLink, Case, CaseEvent, Participant
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
    return _one_case(cases_visible_to(user), reference)


def case_for_page(*, user: AbstractBaseUser | AnonymousUser, reference: str) -> Case:
    """``case_for_user``, with what the case page's hooks read about the case itself in the same
    query (the ``case_page_query`` hooks: the program's snapshot of its steps).

    The case page's read is prepared (``compassion.prepared``), for everybody's cases and for a
    caseworker's own: with what every hook adds, building and compiling it was an eighth of the page.
    """
    if is_supervisor(user):
        found = CASE_PAGE_READS["everyone"].rows(reference=reference)
    elif is_caseworker(user):
        found = CASE_PAGE_READS["own"].rows(reference=reference, user=user.pk)
    else:
        found = []
    if not found:
        raise Http404("No case with that reference.")
    bind_case_reference(found[0].reference)
    return found[0]


def _case_page_read(*, everyone: bool) -> Prepared:
    def build(*, reference: str, user: int | None = None) -> QuerySet[Case]:
        cases = Case.objects.all() if everyone else Case.objects.filter(caseworker_id=user)
        return (
            hooks.case_page_queryset(cases)
            .select_related("incident__business", "caseworker")
            .filter(reference=reference)
        )

    return Prepared(build, reference=str, **({} if everyone else {"user": int}))


# Read on first use, once every app has registered its case_page_query hook.
CASE_PAGE_READS = {"everyone": _case_page_read(everyone=True), "own": _case_page_read(everyone=False)}


def _one_case(cases: QuerySet[Case], reference: str) -> Case:
    case = cases.select_related("incident__business", "caseworker").filter(reference=reference).first()
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


def case_timeline(
    case: Case, *, before: CaseEvent | None = None, participants_read: bool = False
) -> QuerySet[CaseEvent]:
    """The case's events, newest first, with who did them; only those older than ``before`` if given.

    Pages of the timeline go by the last event shown (keyset), through the index on (case,
    -created_at, -id): a page of old events costs what a page of new ones does. With
    ``participants_read``, the participants who did them are not joined: the page has them
    already (``attach_participants``).
    """
    events = case.events.select_related("actor", *([] if participants_read else ["actor_participant"]))
    events = events.order_by("-created_at", "-id")
    if before is not None:
        events = events.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, id__lt=before.pk)
        )
    return events


def attach_participants(rows: Iterable, participants: Iterable[Participant], name: str = "participant") -> list:
    """``rows`` as a list, each with its foreign key ``name`` to a participant set to the one of
    ``participants`` (read already for the page) it points to, instead of joined again to the rows'
    own query: fewer columns read, fewer objects made. One of another case would be read on use."""
    by_id = {person.pk: person for person in participants}
    rows = list(rows)
    for row in rows:
        person = by_id.get(getattr(row, f"{name}_id"))
        if person is not None:
            setattr(row, name, person)
    return rows


def staff_who_can_hold_cases() -> QuerySet:
    """Caseworkers and supervisors, for assignment choices."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[CASEWORKER_GROUP, SUPERVISOR_GROUP])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def participant_link_rows(case: Case) -> list[dict]:
    """Each participant, by role, with the state of their personal links, for the case page (one query)."""
    now = timezone.now()
    newest = AccessLink.objects.filter(participant=OuterRef("pk")).order_by("-created_at", "-id")
    usable = Q(access_links__revoked_at__isnull=True, access_links__expires_at__gt=now)
    participants = case.participants.order_by("role", "id").annotate(
        link_count=Count("access_links"),
        active_until=Max("access_links__expires_at", filter=usable),
        link_last_used_at=Max("access_links__last_used_at"),
        link_emailed_at=Max("access_links__emailed_at"),
        newest_revoked_at=Subquery(newest.values("revoked_at")[:1]),
        newest_expires_at=Subquery(newest.values("expires_at")[:1]),
    )
    rows = []
    for participant in participants:
        latest = None
        if participant.link_count:
            latest = AccessLink(revoked_at=participant.newest_revoked_at, expires_at=participant.newest_expires_at)
        rows.append(
            {
                "participant": participant,
                "latest": latest,  # the newest link's state, for "expired" or "revoked"
                "active": participant.active_until is not None,
                "expires_at": participant.active_until,
                "last_used_at": participant.link_last_used_at,
                "emailed_at": participant.link_emailed_at,
            }
        )
    return rows


# How long a "don't contact me" stays on the dashboard for the caseworker to notice.
SPOKE_UP_DAYS = 14


def spoke_up(since: datetime | None = None) -> Q:
    """Participants who asked from their own page to talk to someone first (until the caseworker
    called them), or not to be contacted (since ``since``: by default ``SPOKE_UP_DAYS`` days ago).

    Read through the participants' ``participant_spoke_up`` index, whose condition it implies."""
    if since is None:
        since = timezone.now() - timezone.timedelta(days=SPOKE_UP_DAYS)
    return Q(call_requested_at__isnull=False) | Q(contact_stopped_at__gte=since)


def unreachable() -> Q:
    """Participants nothing can reach: no e-mail address, and no number that takes texts (a real
    number is stored E.164, with its "+"; texts on; no STOP). Not those who asked for no contact,
    said no, or were erased: nothing is meant to reach them.

    With texts on, this is the condition of the participants' ``participant_unreachable`` index."""
    if settings.SMS_ENABLED:
        return UNREACHABLE
    return (
        Q(email="")
        & Q(contact_stopped_at__isnull=True, erased_at__isnull=True)
        & ~Q(consent__in=[Participant.Consent.DECLINED, Participant.Consent.WITHDRAWN])
    )


def cases_with_someone_unreachable(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Of ``cases``, the open or paused ones with a participant nothing can reach (``unreachable``)."""
    nobody_reaches = Participant.objects.filter(unreachable()).values("case_id")
    return cases.filter(status__in=Case.ACTIVE_STATUSES, pk__in=nobody_reaches)


def cases_where_someone_spoke_up(cases: QuerySet[Case], since: datetime | None = None) -> QuerySet[Case]:
    """Of ``cases``, the open or paused ones where someone spoke up (``spoke_up``)."""
    asked = Participant.objects.filter(spoke_up(since)).values("case_id")
    return cases.filter(status__in=Case.ACTIVE_STATUSES, pk__in=asked)
