"""Changes to tokens and webhook subscriptions. Each checks who may, and says why not."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cases.roles import is_caseworker, is_supervisor
from cases.services import WorkflowError

from . import urlrules
from .models import ApiToken, Scope, WebhookEvent, WebhookSubscription

TOKEN_PREFIX = "ccp_"  # noqa: S105 - not a secret: marks a string as one of our tokens
TOKEN_DAYS_CHOICES = (30, 90, 365)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: AbstractBaseUser, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token for a staff member, and the token itself: it is shown once and never kept."""
    if not is_caseworker(user):
        raise WorkflowError("Only PLI staff can have API tokens.")
    name = name.strip()
    if not name:
        raise WorkflowError("Give the token a name, for example: the CRM sync.")
    wanted = [scope for scope in Scope.values if scope in scopes]
    if not wanted:
        raise WorkflowError("Choose at least one thing the token may do.")
    if days not in TOKEN_DAYS_CHOICES:
        raise WorkflowError(f"A token lasts {', '.join(map(str, TOKEN_DAYS_CHOICES))} days.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:12],
        token_hash=token_hash(raw),
        scopes=wanted,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by: AbstractBaseUser) -> ApiToken:
    """Stop a token at once. Its owner may, and a supervisor may stop anyone's."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != by.pk and not is_supervisor(by):
        raise WorkflowError("Only its owner or a supervisor can revoke a token.")
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


@transaction.atomic
def subscription_create(
    *, url: str, events: list[str], by: AbstractBaseUser, description: str = ""
) -> WebhookSubscription:
    """A supervisor subscribes an address of another system to events; its signing secret is made here."""
    if not is_supervisor(by):
        raise WorkflowError("Only a supervisor can add a webhook.")
    wanted = [event for event in WebhookEvent.values if event in events]
    if not wanted:
        raise WorkflowError("Choose at least one event to send.")
    urlrules.check_url(url)
    return WebhookSubscription.objects.create(
        url=url,
        events=wanted,
        description=description.strip(),
        secret=secrets.token_hex(32),
        created_by=by,
    )


@transaction.atomic
def subscription_set_active(*, subscription: WebhookSubscription, active: bool, by: AbstractBaseUser) -> None:
    """Pause or resume a webhook. Paused, it gets no new deliveries; those waiting are failed."""
    if not is_supervisor(by):
        raise WorkflowError("Only a supervisor can change a webhook.")
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    locked.active = active
    locked.save(update_fields=["active"])
    if not active:
        locked.deliveries.filter(state="pending").update(state="failed", last_error="The webhook was paused.")
