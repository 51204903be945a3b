"""The five steps of the program, one model (or two) per step.

State fields (``state``, ``version``, a case's step) change only through
``reconciliation.services``; the rules of what "done" means live in ``reconciliation.workflow``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.history import audited
from cases.models import Business, Case, Participant
from compassion.dates import stored_date_in_range, stored_in_range

MAX_ANSWER_LENGTH = 5000
MAX_MEETING_MINUTES = 600
MAX_SHIFT_MINUTES = 12 * 60


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone call")


# ---------------------------------------------------------------- step 1


class Reflection(models.Model):
    """The customer's written reflection: guided questions, drafted, submitted, reviewed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, waiting for review")
        REVIEWED = "reviewed", _("Reviewed")

    QUESTIONS = {
        "what_happened": _("What was happening for you that day?"),
        "what_you_felt": _("What did you feel, before, during and after?"),
        "agent_perspective": _(
            "What might the staff member have been going through? You may never know what's really going on."
        ),
        "regrets": _("What do you regret?"),
        "message_to_agent": _("What would you like the staff member to know?"),
    }

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reflection")
    what_happened = models.TextField(QUESTIONS["what_happened"], blank=True)
    what_you_felt = models.TextField(QUESTIONS["what_you_felt"], blank=True)
    agent_perspective = models.TextField(QUESTIONS["agent_perspective"], blank=True)
    regrets = models.TextField(QUESTIONS["regrets"], blank=True)
    message_to_agent = models.TextField(QUESTIONS["message_to_agent"], blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField("caseworker's review note", blank=True)

    class Meta:
        # The dashboard's "reflections to review", oldest first.
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"Reflection for {self.case}"

    def answers(self) -> list[tuple[str, str]]:
        return [(str(question), getattr(self, name)) for name, question in self.QUESTIONS.items()]


# ---------------------------------------------------------------- step 2


class ReconciliationPlan(models.Model):
    """One version of a case's plan. Editing the plan creates a new version."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField()
    goals_redemption = models.TextField("goals for redemption")
    goals_empathy = models.TextField("goals for empathy")
    goals_reconciliation = models.TextField("goals for reconciliation")
    role_swap_hours = models.DecimalField(
        "role-swap hours required",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    personal_time_with_agent = models.BooleanField("includes personal time with the staff member", default=False)
    meeting_format = models.CharField(max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = audited()

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique_per_case"),
            models.CheckConstraint(
                condition=Q(role_swap_hours__gt=0) & Q(role_swap_hours__lte=200), name="plan_hours_sensible"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan v{self.version} for {self.case}"


class PlanSignoff(models.Model):
    """A participant's answer to one plan version. A new version needs new answers."""

    class Decision(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        CHANGES_REQUESTED = "changes_requested", _("Asked for changes")

    plan = models.ForeignKey(ReconciliationPlan, on_delete=models.CASCADE, related_name="signoffs")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="signoffs")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    history = audited()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "participant"], name="one_signoff_per_participant_and_version"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.get_decision_display().lower()} {self.plan}"


# ---------------------------------------------------------------- step 3


class RoleSwapShift(models.Model):
    """A shift the customer works at the business, in the staff member's role."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for the business")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined by the business")
        COUNTER_PROPOSED = "counter_proposed", _("The business proposed another time")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    # States in which a shift holds its time slot.
    ACTIVE_STATES = (State.PROPOSED, State.CONFIRMED, State.COUNTER_PROPOSED, State.ATTENDED)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shifts")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    role = models.CharField("role the customer takes", max_length=200)
    location = models.CharField(max_length=300)
    supervisor_on_site = models.CharField("supervisor on site", max_length=200)
    agent = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member whose role the customer takes.",
    )
    agent_starts_at = models.DateTimeField("staff member's hours that day: from", null=True, blank=True)
    agent_ends_at = models.DateTimeField("staff member's hours that day: to", null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED)
    counter_starts_at = models.DateTimeField("other time proposed: from", null=True, blank=True)
    counter_ends_at = models.DateTimeField("other time proposed: to", null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    # Whole minutes: a quarter of an hour is 15, and a third 20, exactly.
    minutes_attended = models.PositiveIntegerField("time attended (minutes)", null=True, blank=True)
    business_feedback = models.TextField("the business's feedback", blank=True)
    customer_reflection = models.TextField("the customer's reflection on the shift", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = audited()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(
                condition=Q(minutes_attended__isnull=True) | Q(minutes_attended__gt=0),
                name="shift_minutes_attended_positive",
            ),
            *(
                models.CheckConstraint(condition=stored_in_range(field), name=f"shift_{field}_in_range")
                for field in (
                    "starts_at", "ends_at", "agent_starts_at", "agent_ends_at", "counter_starts_at", "counter_ends_at"
                )
            ),
        ]
        indexes = [models.Index(fields=["case", "state", "starts_at"]), models.Index(fields=["state", "starts_at"])]

    def __str__(self) -> str:
        return f"Shift {self.starts_at:%Y-%m-%d %H:%M} for {self.case}"

    @property
    def minutes(self) -> int:
        """The shift's length in whole minutes."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class PersonalTime(models.Model):
    """Time the customer and a staff member who was hurt spend together outside work (step 3):
    proposed by the caseworker, only with the staff member's own separate yes, agreed by both
    through their links, and logged afterwards with a few words from each."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for both to agree")
        AGREED = "agreed", _("Agreed by both")
        DECLINED = "declined", _("Not wanted")
        HELD = "held", _("Took place")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.PROPOSED, State.AGREED)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="personal_times")
    agent = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="personal_times")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    activity = models.CharField("what they will do", max_length=200)
    location = models.CharField("where", max_length=300)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED)
    customer_agreed_at = models.DateTimeField(null=True, blank=True)
    agent_agreed_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.CharField(max_length=20, blank=True, help_text="The role of who said no.")
    cancel_reason = models.TextField(blank=True)
    minutes = models.PositiveSmallIntegerField("how long it lasted, in minutes", null=True, blank=True)
    customer_words = models.TextField("the customer's words afterwards", blank=True)
    agent_words = models.TextField("the staff member's words afterwards", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = audited()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="personal_time_ends_after_start"
            ),
            models.CheckConstraint(condition=stored_in_range("starts_at"), name="personal_time_starts_in_range"),
            models.CheckConstraint(condition=stored_in_range("ends_at"), name="personal_time_ends_in_range"),
            models.CheckConstraint(
                condition=Q(minutes__isnull=True) | Q(minutes__gte=1, minutes__lte=MAX_SHIFT_MINUTES),
                name="personal_time_length_sensible",
            ),
        ]
        indexes = [models.Index(fields=["case", "state", "starts_at"])]

    def __str__(self) -> str:
        return f"Personal time {self.starts_at:%Y-%m-%d %H:%M} for {self.case}"

    def agreed_by(self, role: str) -> bool:
        return bool(self.customer_agreed_at if role == Participant.Role.CUSTOMER else self.agent_agreed_at)


# ---------------------------------------------------------------- step 4


class RestorativeMeeting(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        SKIPPED = "skipped", _("Skipped")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="meeting")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SCHEDULED)
    scheduled_at = models.DateTimeField("when", null=True, blank=True)
    format = models.CharField(max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON)
    location = models.CharField("where, or the video link", max_length=500, blank=True)
    facilitator = models.CharField(max_length=200, blank=True)
    safety_plan = models.TextField(blank=True)
    agent_words = models.TextField("the staff member's words for the meeting", blank=True)
    # What the customer expressed; what each other person who took part expressed is a
    # ``MeetingOutcome`` of its own.
    gratitude_expressed = models.BooleanField("the customer expressed gratitude", default=False)
    acknowledgment_expressed = models.BooleanField("the customer expressed acknowledgment", default=False)
    ownership_expressed = models.BooleanField("the customer expressed ownership", default=False)
    duration_minutes = models.PositiveSmallIntegerField("length in minutes", null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    skip_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    history = audited()

    class Meta:
        # The dashboard's agenda and the calendar feed: scheduled meetings of the coming days.
        indexes = [models.Index(fields=["state", "scheduled_at"])]
        constraints = [
            models.CheckConstraint(condition=stored_in_range("scheduled_at"), name="meeting_scheduled_in_range"),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__gte=1, duration_minutes__lte=MAX_MEETING_MINUTES),
                name="meeting_length_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting for {self.case}"


class MeetingOutcome(models.Model):
    """What one person other than the customer (a staff member who was hurt, the business) brought
    to the held meeting: whether they took part, and the gratitude, acknowledgment and ownership
    they expressed."""

    meeting = models.ForeignKey(RestorativeMeeting, on_delete=models.CASCADE, related_name="outcomes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="meeting_outcomes")
    took_part = models.BooleanField(default=False)
    gratitude_expressed = models.BooleanField(default=False)
    acknowledgment_expressed = models.BooleanField(default=False)
    ownership_expressed = models.BooleanField(default=False)

    class Meta:
        ordering = ["participant__role", "participant_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_outcome_per_person_and_meeting"),
            models.CheckConstraint(
                condition=Q(took_part=True)
                | Q(gratitude_expressed=False, acknowledgment_expressed=False, ownership_expressed=False),
                name="meeting_outcome_only_from_who_took_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} at {self.meeting}"

    @property
    def expressed(self) -> list[str]:
        return expressed_names(self)


def expressed_names(row) -> list[str]:
    """The names of what ``row`` (a meeting, for the customer, or a ``MeetingOutcome``) records as expressed."""
    return [
        name
        for name, said in (
            ("gratitude", row.gratitude_expressed),
            ("acknowledgment", row.acknowledgment_expressed),
            ("ownership", row.ownership_expressed),
        )
        if said
    ]


class SafetyApproval(models.Model):
    """A supervisor's go-ahead to schedule shifts and meetings on a high-risk case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="safety_approval")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)
    note = models.TextField()

    def __str__(self) -> str:
        return f"Safety approval for {self.case}"


# ---------------------------------------------------------------- step 5


class Commitment(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="commitment")
    commitments = models.TextField("what the customer commits to")
    off_limits = models.TextField("behaviour that is off limits")
    drafted_at = models.DateTimeField(default=timezone.now)
    agreed_at = models.DateTimeField(null=True, blank=True)
    history = audited()

    def __str__(self) -> str:
        return f"Commitments for {self.case}"


class CheckIn(models.Model):
    class State(models.TextChoices):
        DUE = "due", _("Due")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checkins")
    days_after = models.PositiveSmallIntegerField("days after the commitments")
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DUE)
    answers = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["case", "days_after"], name="one_checkin_per_interval"),
            models.CheckConstraint(condition=stored_date_in_range("due_on"), name="checkin_due_in_range"),
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"Check-in after {self.days_after} days for {self.case}"

    @property
    def timing(self) -> str:
        """Its state as the case page says it: a check-in still to come is "upcoming", not "due"."""
        if self.state != self.State.DUE:
            return self.get_state_display()
        today = timezone.localdate()
        if self.due_on > today:
            return "Upcoming"
        return "Due today" if self.due_on == today else "Overdue"


# ---------------------------------------------------------------- skips


class StepSkip(models.Model):
    """A supervisor's decision to skip a step, with the reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_skips")
    step = models.PositiveSmallIntegerField(choices=Case.Step.choices)
    reason = models.TextField()
    skipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    skipped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_skip_per_step")]

    def __str__(self) -> str:
        return f"Step {self.step} skipped on {self.case}"
