"""A staff member's calendar feed: the secret address a calendar app subscribes to.

As with personal links (``cases.links``), the token is random, shown once to its owner, and
only its SHA-256 is stored. Resetting issues a new token: the old address stops working.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.links import TOKEN_BYTES, token_hash
from cases.models import CalendarFeed
from cases.roles import is_caseworker
from cases.services import WorkflowError


def feed_path(token: str) -> str:
    return reverse("reporting:calendar_feed", kwargs={"token": token})


@transaction.atomic
def calendar_feed_reset(*, user: AbstractBaseUser) -> str:
    """Give the user a new feed address (the old one, if any, stops working); returns its token."""
    if not is_caseworker(user):
        raise WorkflowError("Only caseworkers and supervisors have a calendar feed.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": token_hash(token), "created_at": timezone.now(), "last_used_at": None}
    )
    return token


@transaction.atomic
def calendar_feed_stop(*, user: AbstractBaseUser) -> bool:
    """Turn the user's feed off; returns whether there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_feed_owner(token: str) -> AbstractBaseUser | None:
    """The active staff member whose feed this token opens, or None. Marks the feed used."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if feed is None or not feed.user.is_active or not is_caseworker(feed.user):
        return None
    now = timezone.now()
    # Calendar apps poll often: record the use at most every few minutes.
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(minutes=5):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user
