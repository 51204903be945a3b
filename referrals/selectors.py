"""Reads for the triage pages. Referrals are shown to supervisors only: 404 for anyone else."""

from datetime import datetime, time

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Business, Case, Incident, Participant
from cases.roles import is_supervisor

from .models import Referral


def referral_list(*, user: AbstractBaseUser | AnonymousUser, state: str = Referral.State.NEW) -> QuerySet[Referral]:
    """Referrals in one state, with what a row shows, in one query. New ones: oldest first."""
    if not is_supervisor(user):
        return Referral.objects.none()
    rows = Referral.objects.filter(state=state).select_related("decided_by", "case")
    if state == Referral.State.NEW:
        return rows.order_by("submitted_at", "id")
    return rows.order_by("-decided_at", "-id")


def referral_counts(*, user: AbstractBaseUser | AnonymousUser) -> dict[str, int]:
    """How many referrals are in each state, for the triage tabs."""
    if not is_supervisor(user):
        return {}
    counts = dict.fromkeys(Referral.State.values, 0)
    counts.update(Referral.objects.values_list("state").annotate(count=Count("id")).order_by())
    return counts


def referral_for_user(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Referral:
    """The referral, or 404 when it does not exist or the user is not a supervisor."""
    referral = (
        Referral.objects.select_related("decided_by", "case").filter(pk=pk).first() if is_supervisor(user) else None
    )
    if referral is None:
        raise Http404("No referral here.")
    return referral


def referral_possible_duplicates(referral: Referral, *, limit: int = 5) -> list[Case]:
    """Active cases that may be about the same incident: same customer e-mail or phone, or same business."""
    match = Q(incident__business__name__iexact=referral.business_name)
    if referral.email:
        match |= Q(participants__email__iexact=referral.email)
    if referral.phone:
        match |= Q(participants__phone=referral.phone)
    ids = (
        Case.objects.filter(match, status__in=Case.ACTIVE_STATUSES)
        .order_by()  # DISTINCT over the id alone: a case matched through two people is one suggestion
        .values_list("id", flat=True)
        .distinct()
    )
    return list(
        Case.objects.filter(id__in=list(ids[:limit]))
        .select_related("incident__business", "caseworker")
        .order_by("-opened_at")
    )


# Who wrote, mapped to how the incident reached PLI.
SOURCES = {
    Referral.Writer.CUSTOMER: Incident.Source.SELF,
    Referral.Writer.BUSINESS: Incident.Source.BUSINESS,
    Referral.Writer.STAFF: Incident.Source.STAFF,
    Referral.Writer.OTHER: Incident.Source.OTHER,
}


def _channel(referral: Referral) -> str:
    """The way they asked to be reached, as the channel of their messages: texts when they asked
    for texts, or gave only a phone; e-mail otherwise."""
    if referral.contact_by == Referral.ContactBy.TEXT or (referral.phone and not referral.email):
        return Participant.Channel.SMS
    return Participant.Channel.EMAIL


def referral_intake_initial(referral: Referral) -> dict:
    """The intake form's sections, filled from what the referral says.

    The writer becomes the customer, the business representative or the first staff member,
    according to who they are; someone else's details stay in the linked referral.
    """
    person = {
        "name": referral.name,
        "email": referral.email,
        "phone": referral.phone,
        "channel": _channel(referral),
        "preferred_language": referral.language,
    }
    occurred_at = None
    if referral.occurred_on:
        occurred_at = min(
            timezone.make_aware(datetime.combine(referral.occurred_on, time(12, 0))), timezone.now()
        ).replace(second=0, microsecond=0)
    business = Business.objects.filter(name__iexact=referral.business_name).order_by("id").first()
    initial = {
        "incident": {
            "occurred_at": occurred_at,
            "location": referral.location,
            "description": referral.story,
            "police_involved": referral.police == Referral.Police.YES,
            "video_posted": bool(referral.video_url),
            "video_url": referral.video_url,
            "source": SOURCES[referral.writer],
        },
        "business": {"existing": business.pk} if business else {"name": referral.business_name},
        "customer": {"preferred_language": Participant.Language.ENGLISH},
        "agents": [],
        "representative": {},
    }
    if referral.writer == Referral.Writer.CUSTOMER:
        initial["customer"] = person
    elif referral.writer == Referral.Writer.STAFF:
        initial["agents"] = [person]
    elif referral.writer == Referral.Writer.BUSINESS:
        initial["representative"] = person
    return initial
