"""Personal links: issue, revoke and resolve the tokens that let participants into the portal.

The token is 32 random bytes from ``secrets``, shown once (in the e-mail, or to the
caseworker who copies it); only its SHA-256 is stored, so a copy of the database opens
nothing.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import AccessLink, Case, CaseEvent, Participant
from .timeline import WorkflowError, event_record

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_path(token: str) -> str:
    return reverse("portal:home", kwargs={"token": token})


@transaction.atomic
def link_issue(
    *, participant: Participant, by: AbstractBaseUser | None, replace: bool = False
) -> tuple[AccessLink, str]:
    """Issue a personal link; returns it with its token, which is never stored.

    Each e-mail carries a link of its own, so several may be active at once. ``replace``
    (the caseworker's "renew") revokes the participant's other links first. Links issued by
    staff are on the timeline; those issued for an e-mail are recorded with the e-mail.
    """
    _check_issuable(participant)
    now = timezone.now()
    revoked = 0
    if replace:
        revoked = links_revoke_usable(participant=participant, now=now)
    link, token = _new_link(participant=participant, by=by, now=now)
    link.save()
    if by is not None:
        verb = "renewed" if revoked else "issued"
        until = timezone.localtime(link.expires_at)
        event_record(
            case=participant.case,
            kind=CaseEvent.Kind.LINK,
            message=f"Personal link {verb} for {participant.name}, valid until {until:%Y-%m-%d}.",
            by=by,
        )
    return link, token


def link_for_email(*, participant: Participant, emailed_at: datetime) -> tuple[AccessLink, str]:
    """A personal link for one e-mail, issued at ``emailed_at`` and not saved yet; with its token.

    The reminders' dispatcher saves it (``save()``, which writes its history row) in the
    transaction that sends the e-mail and records it, so that it goes away with that
    transaction when the e-mail does not go.
    """
    _check_issuable(participant)
    return _new_link(participant=participant, by=None, now=emailed_at, emailed_at=emailed_at)


def _check_issuable(participant: Participant) -> None:
    if participant.case.status in Case.ENDED_STATUSES:
        raise WorkflowError("No personal link is issued on a withdrawn or closed case.")


def _new_link(
    *, participant: Participant, by: AbstractBaseUser | None, now: datetime, emailed_at: datetime | None = None
) -> tuple[AccessLink, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = AccessLink(
        participant=participant,
        token_hash=token_hash(token),
        issued_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.ACCESS_LINK_DAYS),
        emailed_at=emailed_at,
    )
    return link, token


@transaction.atomic
def links_revoke(*, participant: Participant, by: AbstractBaseUser) -> int:
    """Revoke every usable link of the participant; returns how many there were."""
    count = links_revoke_usable(participant=participant, now=timezone.now())
    if not count:
        raise WorkflowError(f"{participant.name} has no link to revoke.")
    event_record(
        case=participant.case,
        kind=CaseEvent.Kind.LINK,
        message=f"Personal links revoked for {participant.name}.",
        by=by,
    )
    return count


def links_revoke_usable(*, participant: Participant, now: datetime) -> int:
    """Revoke the participant's unrevoked links, without a timeline event (the caller writes one).

    One save per link (a participant holds a few), so that each revocation is in the audit history.
    """
    unrevoked = list(AccessLink.objects.select_for_update().filter(participant=participant, revoked_at__isnull=True))
    for link in unrevoked:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
    return len(unrevoked)


def link_resolve(token: str) -> AccessLink | None:
    """The usable link for this token, with its participant, or None for a wrong, expired or revoked
    one, or one of a case that has ended.

    Resolving writes nothing: mail scanners open links too, and a GET must change nothing.
    """
    if not token or len(token) > 100:
        return None
    link = (
        AccessLink.objects.select_related("participant")
        .filter(token_hash=token_hash(token))
        # A link of a withdrawn or closed case opens nothing (revoked when the case ended; older rows too).
        .exclude(participant__case__status__in=Case.ENDED_STATUSES)
        .first()
    )
    if link is None or link.state != AccessLink.State.ACTIVE:
        return None
    return link


def link_ended_participant(token: str) -> Participant | None:
    """The participant whose link this was, when it stopped working because their case ended
    (withdrawn or closed): the portal tells them so, in their language, and shows nothing of the case."""
    if not token or len(token) > 100:
        return None
    link = (
        AccessLink.objects.select_related("participant__case")
        .filter(token_hash=token_hash(token), participant__case__status__in=Case.ENDED_STATUSES)
        .first()
    )
    return link.participant if link else None


def link_mark_used(link: AccessLink) -> None:
    """Record that the participant acted through the link (called for POSTs only)."""
    now = timezone.now()
    AccessLink.objects.filter(pk=link.pk).update(last_used_at=now)
    link.last_used_at = now
