"""Referrals: requests for help sent through the public form, before they become a case.

A referral is written by the public and read only by supervisors. Its state and decision
fields are written only by ``referrals.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Participant
from compassion.dates import stored_date_in_range

# Limits of the public form, also used for the database columns.
NAME_MAX = 200
PHONE_MAX = 40
PLACE_MAX = 300
STORY_MAX = 5000
URL_MAX = 500


class Referral(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DUPLICATE = "duplicate", _("Duplicate")

    class Writer(models.TextChoices):
        CUSTOMER = "customer", _("The customer")
        BUSINESS = "business", _("The business (owner or manager)")
        STAFF = "staff", _("The staff member")
        OTHER = "other", _("Someone else")

    class ContactBy(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")

    class Police(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNSURE = "unsure", _("I don't know")

    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW)
    writer = models.CharField("who is writing", max_length=20, choices=Writer.choices)
    name = models.CharField(max_length=NAME_MAX)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField(max_length=PHONE_MAX, blank=True)
    contact_by = models.CharField("prefers to be reached by", max_length=10, choices=ContactBy.choices)
    language = models.CharField(
        max_length=5, choices=Participant.Language.choices, default=Participant.Language.ENGLISH
    )
    business_name = models.CharField("business", max_length=NAME_MAX)
    occurred_on = models.DateField("roughly when", null=True, blank=True)
    location = models.CharField("where", max_length=PLACE_MAX, blank=True)
    story = models.TextField("what happened, in their words", max_length=STORY_MAX)
    police = models.CharField("police involved", max_length=10, choices=Police.choices)
    video_url = models.URLField("link to a video", max_length=URL_MAX, blank=True)
    consented_at = models.DateTimeField("consented to contact and the privacy notice")
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="The case opened from this referral, or the case it duplicates.",
    )
    reply_sent_at = models.DateTimeField("reply e-mail sent", null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="referral_has_a_way_to_reach"),
            models.CheckConstraint(condition=stored_date_in_range("occurred_on"), name="referral_occurred_in_range"),
            models.CheckConstraint(
                condition=Q(state="new", case__isnull=True, decided_at__isnull=True)
                | Q(state__in=["accepted", "duplicate"], case__isnull=False, decided_at__isnull=False)
                | Q(state="declined", case__isnull=True, decided_at__isnull=False),
                name="referral_decision_matches_state",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="accepted"), name="one_accepted_referral_per_case"
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"Referral {self.pk} from {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", kwargs={"pk": self.pk})

    @property
    def is_new(self) -> bool:
        return self.state == self.State.NEW
