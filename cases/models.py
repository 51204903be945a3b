"""Businesses, incidents, cases, their participants and the case timeline.

Fields that follow a workflow (a case's status and step) are written only by services
(``cases.services``, ``reconciliation.services``), never by forms or views.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from compassion.dates import stored_in_range
from compassion.people import staff_name
from compassion.phones import phone_display

from .history import audited, register_staff_access_history


class Business(models.Model):
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    contact_name = models.CharField("contact person", max_length=200, blank=True)
    contact_email = models.EmailField("contact e-mail", blank=True)
    contact_phone = models.CharField("contact phone", max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "businesses"
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    class Severity(models.TextChoices):
        VERBAL = "verbal", _("Verbal (shouting, swearing)")
        THREATS = "threats", _("Harassment or threats")
        PHYSICAL = "physical", _("Physical violence")

    class Source(models.TextChoices):
        SELF = "self", _("The customer asked for help")
        BUSINESS = "business", _("Referred by the business")
        STAFF = "staff", _("Referred by the staff member")
        COURT = "court", _("Court or probation")
        POLICE = "police", _("Police")
        ONLINE = "online", _("Seen online or in the media")
        OTHER = "other", _("Other")

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField("when it happened")
    location = models.CharField("where it happened", max_length=300)
    description = models.TextField("what happened")
    severity = models.CharField(max_length=20, choices=Severity.choices)
    police_involved = models.BooleanField("police were involved", default=False)
    video_posted = models.BooleanField("a video was posted online", default=False)
    video_url = models.URLField("link to the video", max_length=500, blank=True)
    source = models.CharField("how it reached PLI", max_length=20, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(condition=stored_in_range("occurred_at"), name="incident_occurred_in_range"),
            models.CheckConstraint(
                condition=Q(video_posted=True) | Q(video_url=""),
                name="incident_video_url_only_when_posted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} at {self.business} on {self.occurred_at:%Y-%m-%d}"


class ReferenceSequence(models.Model):
    """The last case number handed out in a year. References are never reused."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed")

    # The statuses in which a case is still being worked on, and those in which it has ended early
    # (no more links, messages or steps). Completed is neither: its check-ins go on.
    ACTIVE_STATUSES = frozenset({Status.OPEN, Status.PAUSED})
    ENDED_STATUSES = frozenset({Status.WITHDRAWN, Status.CLOSED})

    class Step(models.IntegerChoices):
        REFLECTION = 1, _("Reflection")
        PLAN = 2, _("Plan")
        ROLE_SWAP = 3, _("Role-swap shifts")
        MEETING = 4, _("Restorative meeting")
        COMMITMENTS = 5, _("Commitments")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    reference = models.CharField(max_length=20, unique=True, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="cases")
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_cases")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.REFLECTION)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    status_reason = models.TextField("reason for the current status", blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Every timeline event touches last_activity_at: bookkeeping, not a change anyone made.
    history = audited(excluded_fields=["last_activity_at"])

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Which steps there are is the program's to say (reconciliation/program.py, checked
            # against Step at start-up); the database only keeps a step a positive number.
            models.CheckConstraint(condition=Q(step__gte=1), name="case_step_from_1"),
        ]
        indexes = [
            models.Index(fields=["caseworker", "status", "-opened_at"]),
            models.Index(fields=["status", "step"]),
            models.Index(fields=["-opened_at", "-id"]),
            # The list of one status (open cases, newest or oldest first), and open cases without
            # activity for two weeks, quietest first: the dashboard reads their first rows only.
            models.Index(fields=["status", "-opened_at", "-id"]),
            models.Index(fields=["status", "last_activity_at"]),
            # The dashboard's "waiting for approval": open high-risk cases at the role-swap or
            # meeting step, oldest first; a few hundred rows, not every open case.
            models.Index(
                fields=["opened_at", "id"],
                condition=Q(status="open", risk="high", step__in=[3, 4]),
                name="case_awaiting_safety_approval",
            ),
            # Whether a case was withdrawn, for the dashboard's check-ins due (left out for those):
            # a small index to look a thousand cases up in, instead of every case's row.
            models.Index(fields=["id"], condition=Q(status="withdrawn"), name="case_withdrawn"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"reference": self.reference})

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.OPEN, self.Status.PAUSED}

    # The labels as ``get_status_display()`` gives them, for lists: Django's method translates
    # every choice's label on each call; these look up the one (make bench: 1-2 ms a list page).
    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def step_label(self) -> str:
        return self.Step(self.step).label

    @property
    def risk_label(self) -> str:
        return self.Risk(self.risk).label


# Who the dashboard's tiles count (``cases.selectors.spoke_up`` and ``unreachable``): each has a
# partial index of its own, so that the count reads the few people concerned, not every participant
# the program ever recorded.
SPOKE_UP = Q(call_requested_at__isnull=False) | Q(contact_stopped_at__isnull=False)
# No e-mail address and no number that takes texts (when texts are on); not those nothing is meant to reach.
UNREACHABLE = (
    Q(email="")
    & (~Q(phone__startswith="+") | Q(texts_stopped_at__isnull=False))
    & Q(contact_stopped_at__isnull=True, erased_at__isnull=True)
    & ~Q(consent__in=["declined", "withdrawn"])
)


class Participant(models.Model):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent (staff member)")
        BUSINESS = "business", _("Business representative")

    class Consent(models.TextChoices):
        PENDING = "pending", _("Not asked yet")
        GIVEN = "given", _("Agreed to take part")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrew")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Español"

    class Channel(models.TextChoices):
        """How reminders and messages reach the person."""

        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")
        BOTH = "both", _("E-mail and text message")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField("e-mail", blank=True)
    phone = PhoneNumberField(blank=True)
    preferred_language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    channel = models.CharField("reached by", max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # The person answered a text with STOP (or BAJA): no more texts; e-mail is used instead.
    texts_stopped_at = models.DateTimeField("asked for no more texts", null=True, blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.PENDING)
    no_contact = models.BooleanField(
        "asked for no contact",
        default=False,
        help_text="Never scheduled with the customer and never shown the customer's contact details.",
    )
    # What the person asked from their own page or message (the portal), for the caseworker to see:
    # "I don't want to be contacted" (nothing more is sent to them) and "I'd like to talk to
    # someone first" (nothing is sent until their caseworker has called them).
    contact_stopped_at = models.DateTimeField("asked not to be contacted", null=True, blank=True)
    call_requested_at = models.DateTimeField("asked to talk to someone first", null=True, blank=True)
    # A staff member's own yes to personal time with the customer outside work (step 3),
    # separate from taking part, and revocable.
    personal_time_consent = models.BooleanField("agreed to personal time with the customer", default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    erased_at = models.DateTimeField(
        "personal data erased", null=True, blank=True, editable=False, help_text="Set by cases.privacy."
    )
    history = audited()

    class Meta:
        ordering = ["case", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(role="customer"), name="one_customer_per_case"),
        ]
        indexes = [
            models.Index(fields=["role", "email"]),
            models.Index(fields=["case"], condition=SPOKE_UP, name="participant_spoke_up"),
            models.Index(fields=["case"], condition=UNREACHABLE, name="participant_unreachable"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.Role(self.role).label})"

    @property
    def takes_part(self) -> bool:
        """Whether this person takes part now: nobody who declined or withdrew; a staff member (agent)
        only once they said yes, and never while they asked for no contact."""
        if self.consent in {self.Consent.DECLINED, self.Consent.WITHDRAWN}:
            return False
        if self.role == self.Role.AGENT:
            return self.consent == self.Consent.GIVEN and not self.no_contact and not self.contact_stopped_at
        return True

    @property
    def hears_from_us(self) -> bool:
        """Whether reminders and messages go to this person now: not after they asked not to be
        contacted, and not while they wait for their caseworker's call."""
        return self.contact_stopped_at is None and self.call_requested_at is None

    @property
    def phone_shown(self) -> str:
        """The phone number as people write it: national for the home region, else with its country code."""
        return phone_display(self.phone)

    @property
    def usable_channels(self) -> list[str]:
        """The channels that can reach the person now: e-mail with an address; texts with a valid
        number, while texts are on and the person has not answered STOP."""
        usable = []
        if self.email:
            usable.append(self.Channel.EMAIL)
        if settings.SMS_ENABLED and self.phone and self.phone.is_valid() and self.texts_stopped_at is None:
            usable.append(self.Channel.SMS)
        return usable

    @property
    def channels(self) -> list[str]:
        """The channels messages go by now: the preferred ones that work; else any that works (a
        person who stopped texts gets e-mail); else the preferred one, whose sending fails
        with the reason, for the caseworker to see."""
        preferred = [self.Channel.EMAIL, self.Channel.SMS] if self.channel == self.Channel.BOTH else [self.channel]
        usable = self.usable_channels
        return [channel for channel in preferred if channel in usable] or usable[:1] or preferred[:1]

    @property
    def unreachable(self) -> bool:
        """Nothing can reach the person: no e-mail address and no phone that takes texts."""
        return not self.usable_channels


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when, and what changed."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        STATUS = "status", _("Status changed")
        STEP = "step", _("Step changed")
        ASSIGNED = "assigned", _("Caseworker assigned")
        RISK = "risk", _("Risk changed")
        CONSENT = "consent", _("Consent changed")
        SAFETY = "safety", _("Safety approval")
        REFLECTION = "reflection", _("Reflection")
        PLAN = "plan", _("Plan")
        SIGNOFF = "signoff", _("Plan sign-off")
        SHIFT = "shift", _("Role-swap shift")
        MEETING = "meeting", _("Restorative meeting")
        COMMITMENT = "commitment", _("Commitments")
        CHECKIN = "checkin", _("Check-in")
        LINK = "link", _("Personal link")
        NOTE = "note", _("Note")
        REMINDER = "reminder", _("Reminder")
        CONTACT = "contact", _("How a person is reached")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField()
    from_value = models.CharField(max_length=100, blank=True)
    to_value = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d %H:%M} {self.message}"

    @property
    def actor_name(self) -> str:
        if self.actor_id:
            return staff_name(self.actor)
        if self.actor_participant_id:
            return str(self.actor_participant)
        return "System"


class AccessLink(models.Model):
    """A participant's personal link to the portal. Only a hash of its token is stored.

    One participant holds at most one usable link: issuing a new one revokes the old.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="access_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The hash opens the portal while the link is active: it is never copied into the history.
    history = audited(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["participant", "-created_at"])]

    def __str__(self) -> str:
        return f"Link for {self.participant} ({self.get_state_display().lower()})"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE

    def get_state_display(self) -> str:
        return self.State(self.state).label


class StaffContact(models.Model):
    """How participants reach a staff member: their work phone, shown on their cases' pages and messages."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_contact")
    phone = PhoneNumberField("work phone", blank=True, help_text="Shown to the participants of their cases.")

    def __str__(self) -> str:
        return f"Contact of {self.user}"


class CalendarFeed(models.Model):
    """A staff member's secret calendar feed (.ics) of their upcoming shifts and meetings.

    Like a personal link, only a hash of its token is stored; resetting it makes the old
    address stop working.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


register_staff_access_history()
