"""Reads for the API's staff pages."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from cases.roles import is_supervisor

from .models import ApiToken, WebhookDelivery, WebhookSubscription


def tokens_of(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for_user(*, user: AbstractBaseUser, pk: int) -> ApiToken:
    """One's own token (a supervisor: anyone's), or 404."""
    tokens = ApiToken.objects.all() if is_supervisor(user) else ApiToken.objects.filter(user=user)
    token = tokens.filter(pk=pk).first()
    if token is None:
        raise Http404("No token here.")
    return token


def subscriptions() -> QuerySet[WebhookSubscription]:
    """Every webhook with how its deliveries stand, in one query."""
    return (
        WebhookSubscription.objects.select_related("created_by")
        .annotate(
            pending=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.PENDING)),
            failed=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.FAILED)),
            last_sent_at=Max("deliveries__sent_at"),
        )
        .order_by("-created_at", "-id")
    )


def subscription(pk: int) -> WebhookSubscription:
    found = WebhookSubscription.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No webhook here.")
    return found


def deliveries_of(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return subscription.deliveries.order_by("-created_at", "-id")
