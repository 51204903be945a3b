"""Personal API tokens of staff members, and the supervisors' webhooks with their outbox.

A token is shown once when it is made; only its SHA-256 is kept. A webhook delivery is a row
written in the same transaction as the change it tells of (an outbox, like the reminders): a
restart of the broker loses none, and the delivery log shows each one's fate.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    READ_CASES = "cases:read", "Read cases (the list, a case, its timeline)"
    WRITE_REFERRALS = "referrals:write", "Send referrals (and, for supervisors, list and decide them)"
    READ_REPORTS = "reports:read", "Read the reports' figures (supervisors)"


class ApiToken(models.Model):
    """A staff member's personal key to the API: named, scoped, expiring, revocable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, for example: the CRM sync.")
    prefix = models.CharField(max_length=16, help_text="The first characters of the token, to tell tokens apart.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def scope_labels(self) -> list[str]:
        return [Scope(scope).label for scope in self.scopes if scope in Scope.values]


class WebhookEvent(models.TextChoices):
    CASE_OPENED = "case.opened", "A case is opened"
    STEP_COMPLETED = "case.step_completed", "A step is done (the case moves on)"
    CASE_COMPLETED = "case.completed", "A case is completed"
    CASE_WITHDRAWN = "case.withdrawn", "A case is withdrawn"
    REFERRAL_RECEIVED = "referral.received", "A referral is received"


class WebhookSubscription(models.Model):
    """A URL of another system that is told, by a signed POST, of the chosen events."""

    url = models.URLField("address", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=64, editable=False, help_text="Signs each delivery (HMAC-SHA256).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [WebhookEvent(event).label for event in self.events if event in WebhookEvent.values]


class WebhookDelivery(models.Model):
    """One event for one subscription: pending until sent, retried with back-off, failed after the last try."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["subscription", "-created_at", "-id"]),
            models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name="webhook_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} ({self.state})"
