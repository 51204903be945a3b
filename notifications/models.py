"""The record of every message the program owes someone, and of each attempt to send it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Participant
from compassion.people import staff_name
from reconciliation.models import CheckIn, PersonalTime, ReconciliationPlan, RoleSwapShift


class Reminder(models.Model):
    """One e-mail the program owes someone: a reminder (due later) or a notification (due now).

    These rows are the record: the broker only carries "look for due reminders now". The
    rules that create and cancel them live in ``notifications.reminders``, the sending in
    ``notifications.dispatch``. ``key`` names what the reminder is (kind, recipient, what it
    is about, which of several, and for what date): the same reminder is never scheduled twice.
    """

    class Kind(models.TextChoices):
        REFLECTION = "reflection", _("Reflection not submitted")
        SIGNOFF = "signoff", _("Plan waiting for sign-off")
        SHIFT_UNCONFIRMED = "shift_unconfirmed", _("Shift waiting for the business")
        SHIFT_TOMORROW = "shift_tomorrow", _("Shift tomorrow")
        MEETING_TOMORROW = "meeting_tomorrow", _("Meeting tomorrow")
        CHECKIN = "checkin", _("Check-in due")
        IDLE = "idle", _("Case without activity")
        FAILED = "failed", _("A reminder could not be sent")
        LINK = "link", _("Personal link")
        SHIFT_PROPOSED = "shift_proposed", _("Shift proposed")
        SIGNOFF_REQUESTED = "signoff_requested", _("Sign-off requested")
        TASK_OVERDUE = "task_overdue", _("Task overdue")
        SHIFT_CONFIRMED = "shift_confirmed", _("Shift confirmed")
        MEETING_SCHEDULED = "meeting_scheduled", _("Meeting scheduled")
        COMMITMENTS_READY = "commitments_ready", _("Commitments ready to agree")
        PERSONAL_TIME_PROPOSED = "personal_time_proposed", _("Personal time proposed")
        PERSONAL_TIME_TOMORROW = "personal_time_tomorrow", _("Personal time tomorrow")
        QUESTIONNAIRE = "questionnaire", _("Questions waiting")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The recipient: a participant (through their personal link) or a staff user.
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    # What it is about, when it is about one thing of the case.
    shift = models.ForeignKey(RoleSwapShift, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    plan = models.ForeignKey(ReconciliationPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    personal_time = models.ForeignKey(
        PersonalTime, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    failed_reminder = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="For “failed” notices."
    )
    # How it goes: a person who wants both gets one reminder by each channel, each sent once.
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    key = models.CharField(max_length=200, editable=False)
    due_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(help_text="When the dispatcher picks it up next: the due time, or a retry.")
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="A dispatcher has claimed it to send it; other dispatchers leave it alone until then.",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    access_link = models.ForeignKey(
        "cases.AccessLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The personal link the e-mail carried.",
    )
    # A text: the gateway's id for it, and what the gateway last said about its delivery.
    external_id = models.CharField(max_length=64, blank=True, editable=False)
    delivery_status = models.CharField(max_length=20, blank=True, editable=False)
    delivery_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "reconciliation_reminder"  # the table it had before the app was split off
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="reminder_scheduled_once"),
            models.CheckConstraint(
                condition=Q(participant__isnull=True) | Q(user__isnull=True), name="reminder_one_recipient"
            ),
        ]
        indexes = [
            # The dispatcher claims the next due ones in this order: many are due at the same
            # minute (check-ins at 9:00), and the id keeps it a walk down the index, no sort.
            # Those claimed by another dispatcher (claimed_until) are the first few hundred
            # of that walk at most, filtered on the way: they need no index of their own.
            models.Index(fields=["state", "next_attempt_at", "id"], name="reconciliat_state_972058_idx"),
            models.Index(fields=["case", "state"], name="reconciliat_case_id_12fb69_idx"),
            # The gateway's delivery reports find their text by its id.
            models.Index(fields=["external_id"], condition=~Q(external_id=""), name="reminder_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_name} ({self.get_state_display().lower()})"

    @property
    def recipient_name(self) -> str:
        if self.participant_id:
            return self.participant.name
        if self.user_id:
            return staff_name(self.user)
        return "nobody"
