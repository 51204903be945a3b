"""Webhooks: the outbox rows written with the change, and their signed delivery.

``on_case_event`` and ``on_referral_received`` are hooks (``api/apps.py``): inside the
transaction of the change, they write one ``WebhookDelivery`` per subscription that wants
the event, and ask a worker, once it commits, to send them. A delivery is a POST of a small
JSON body (ids and references only: never names, e-mail addresses or what people wrote) with

    X-Compassion-Event: case.step_completed
    X-Compassion-Delivery: 42
    X-Compassion-Timestamp: 1764892800
    X-Compassion-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret>

A 2xx answer marks it sent; anything else (or no answer within WEBHOOK_TIMEOUT_SECONDS) is
tried again after WEBHOOK_BACKOFF_SECONDS, and after WEBHOOK_MAX_ATTEMPTS it is marked failed.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import requests
from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.services import WorkflowError

from . import urlrules
from .models import WebhookDelivery, WebhookEvent, WebhookSubscription

logger = logging.getLogger(__name__)

DELIVER_TASK = "api.deliver_webhooks"
SIGNATURE_HEADER = "X-Compassion-Signature"
TIMESTAMP_HEADER = "X-Compassion-Timestamp"


# ---------------------------------------------------------------- the outbox


def event_for(event: CaseEvent) -> tuple[str, dict] | None:
    """The webhook event a timeline event stands for, and what it adds to the body; or None."""
    if event.kind == CaseEvent.Kind.OPENED:
        return WebhookEvent.CASE_OPENED, {}
    if event.kind == CaseEvent.Kind.STEP and event.to_value:
        return WebhookEvent.STEP_COMPLETED, {"step": _int(event.from_value), "next_step": _int(event.to_value)}
    if event.kind == CaseEvent.Kind.STATUS and event.to_value == Case.Status.COMPLETED:
        return WebhookEvent.CASE_COMPLETED, {}
    if event.kind == CaseEvent.Kind.STATUS and event.to_value == Case.Status.WITHDRAWN:
        return WebhookEvent.CASE_WITHDRAWN, {"previous_status": event.from_value}
    return None


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def on_case_event(event: CaseEvent) -> None:
    found = event_for(event)
    if found is None:
        return
    name, extra = found
    case = event.case
    data = {"case": {"id": case.pk, "reference": case.reference, "status": case.status, "step": case.step}, **extra}
    deliveries_write(name, data, occurred_at=event.created_at)


def on_referral_received(referral) -> None:
    deliveries_write(
        WebhookEvent.REFERRAL_RECEIVED, {"referral": {"id": referral.pk}}, occurred_at=referral.submitted_at
    )


def deliveries_write(name: str, data: dict, *, occurred_at) -> list[WebhookDelivery]:
    """One delivery per active subscription to ``name``, in the current transaction."""
    subscriptions = [sub for sub in WebhookSubscription.objects.filter(active=True) if name in sub.events]
    if not subscriptions:
        return []
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=sub,
                event=name,
                payload={"event": str(name), "occurred_at": occurred_at.isoformat(), "data": data},
            )
            for sub in subscriptions
        ]
    )
    transaction.on_commit(deliver_soon)
    return deliveries


def deliver_soon() -> None:
    """Ask a worker to send what is due; if the broker is away, beat's pass sends it later."""
    try:
        current_app.tasks[DELIVER_TASK].apply_async(retry=False)
    except Exception:
        logger.warning("Could not queue a webhook delivery; the next beat pass will send it.", exc_info=True)


# ---------------------------------------------------------------- signing and sending


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps({"id": delivery.pk, **delivery.payload}, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def deliveries_send(*, limit: int = 100) -> dict[str, int]:
    """Send the deliveries that are due, each claimed under a row lock so that two workers never
    send one twice. Returns how many were sent, retried later and failed."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for _ in range(limit):
        with transaction.atomic():
            due = WebhookDelivery.objects.filter(
                state=WebhookDelivery.State.PENDING, next_attempt_at__lte=timezone.now()
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            delivery = due.select_related("subscription").order_by("next_attempt_at", "id").first()
            if delivery is None:
                break
            counts[_attempt(delivery)] += 1
    return counts


def _attempt(delivery: WebhookDelivery) -> str:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    status_code, error = _post(delivery)
    delivery.last_status_code = status_code
    delivery.last_error = error[:300]
    if status_code is not None and 200 <= status_code < 300:
        outcome, delivery.state, delivery.sent_at, delivery.last_error = "sent", WebhookDelivery.State.SENT, now, ""
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        outcome, delivery.state = "failed", WebhookDelivery.State.FAILED
    else:
        backoff = settings.WEBHOOK_BACKOFF_SECONDS
        delay = backoff[min(delivery.attempts - 1, len(backoff) - 1)]
        outcome, delivery.next_attempt_at = "retry", now + timedelta(seconds=delay)
    delivery.save()
    logger.info(
        "Webhook delivery %s (%s) to subscription %s: %s",
        delivery.pk,
        delivery.event,
        delivery.subscription_id,
        outcome,
        extra={"status_code": status_code},
    )
    return outcome


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the delivery; its status code (None without an answer) and what went wrong."""
    subscription = delivery.subscription
    try:
        urlrules.check_url(subscription.url)
    except WorkflowError as error:
        return None, " ".join(error.messages)
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "PLI-Compassion-Webhooks/1",
        "X-Compassion-Event": delivery.event,
        "X-Compassion-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
    }
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return None, f"No answer: {type(error).__name__}."
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"The receiver answered {response.status_code}."
