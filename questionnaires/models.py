"""Questionnaires before and after the program, what people answered, and their research consent.

A supervisor writes a questionnaire (in English and Spanish) and says at which moments of the
program, and of whom, it is asked. Its questions live in versions: a published version is
never changed again (people may be answering it), so a change makes a new draft version, and
answers keep the version they were given on. Rows change only through
``questionnaires.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Participant

MAX_TEXT_ANSWER = 500


def in_language(english: str, spanish: str, language: str | None = None) -> str:
    """The Spanish text for Spanish readers when there is one, else the English."""
    language = (language or get_language() or "en")[:2]
    return spanish if language == "es" and spanish else english


class Moment(models.TextChoices):
    """When in the program a questionnaire is asked. ``BEFORE`` and ``AFTER`` pair them for the figures."""

    BEFORE_REFLECTION = "before_reflection", _("Before the reflection")
    BEFORE_PLAN = "before_plan", _("Before the plan")
    AFTER_MEETING = "after_meeting", _("After the meeting")
    AT_COMPLETION = "at_completion", _("At completion")
    CHECKIN_30 = "checkin_30", _("30-day check-in")
    CHECKIN_90 = "checkin_90", _("90-day check-in")
    CHECKIN_180 = "checkin_180", _("180-day check-in")


BEFORE_MOMENTS = frozenset({Moment.BEFORE_REFLECTION, Moment.BEFORE_PLAN})
AFTER_MOMENTS = frozenset({Moment.AFTER_MEETING, Moment.AT_COMPLETION})
CHECKIN_MOMENTS = {30: Moment.CHECKIN_30, 90: Moment.CHECKIN_90, 180: Moment.CHECKIN_180}


class Questionnaire(models.Model):
    title = models.CharField(max_length=200)
    title_es = models.CharField("title in Spanish", max_length=200, blank=True)
    intro = models.TextField("a line before the questions", max_length=1000, blank=True)
    intro_es = models.TextField("the line in Spanish", max_length=1000, blank=True)
    active = models.BooleanField(default=True, help_text="Only active questionnaires are asked.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def title_in(self, language: str | None = None) -> str:
        return in_language(self.title, self.title_es, language)

    def asked_of(self) -> list[str]:
        """Who is asked and when, a line per role in the program's order: "Customer: before the reflection, ..."."""
        moments = list(Moment.values)
        by_role: dict[str, list[str]] = {}
        for use in sorted(self.uses.all(), key=lambda use: moments.index(use.moment)):
            by_role.setdefault(use.role, []).append(str(Moment(use.moment).label).lower())
        return [
            f"{Participant.Role(role).label}: {', '.join(by_role[role])}"
            for role in Participant.Role.values
            if role in by_role
        ]

    def intro_in(self, language: str | None = None) -> str:
        return in_language(self.intro, self.intro_es, language)


class QuestionnaireUse(models.Model):
    """One moment and role at which a questionnaire is asked: the customer before the reflection, ..."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="uses")
    role = models.CharField(max_length=20, choices=Participant.Role.choices)
    moment = models.CharField(max_length=30, choices=Moment.choices)

    class Meta:
        ordering = ["questionnaire", "moment", "role"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "role", "moment"], name="questionnaire_use_once"),
        ]
        indexes = [models.Index(fields=["role", "moment"])]

    def __str__(self) -> str:
        return f"{self.questionnaire}: {Participant.Role(self.role).label}, {Moment(self.moment).label}"


class QuestionnaireVersion(models.Model):
    """The questions of a questionnaire at one time. Published versions never change."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="questionnaire_version_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire}, version {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE_5 = "scale_5", _("Scale from 1 to 5")
        SCALE_10 = "scale_10", _("Scale from 0 to 10")
        CHOICE = "choice", _("One choice of a few")
        TEXT = "text", _("A short text")

    SCALE_RANGES = {Kind.SCALE_5: (1, 5), Kind.SCALE_10: (0, 10)}

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    # The same question across versions: a new version copies it with its key, so before and
    # after can be compared even when a wording was changed in between.
    key = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField("question", max_length=300)
    text_es = models.CharField("question in Spanish", max_length=300, blank=True)
    low_label = models.CharField("label of the low end", max_length=80, blank=True)
    low_label_es = models.CharField("low end in Spanish", max_length=80, blank=True)
    high_label = models.CharField("label of the high end", max_length=80, blank=True)
    high_label_es = models.CharField("high end in Spanish", max_length=80, blank=True)
    choices = models.TextField("choices, one a line", max_length=1000, blank=True)
    choices_es = models.TextField("choices in Spanish, one a line", max_length=1000, blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_once_per_version"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_scale(self) -> bool:
        return self.kind in self.SCALE_RANGES

    @property
    def scale_range(self) -> tuple[int, int] | None:
        return self.SCALE_RANGES.get(self.kind)

    def scale_values(self) -> list[int]:
        low, high = self.scale_range or (0, -1)
        return list(range(low, high + 1))

    def choice_list(self, language: str | None = None) -> list[str]:
        english = [line.strip() for line in self.choices.splitlines() if line.strip()]
        spanish = [line.strip() for line in self.choices_es.splitlines() if line.strip()]
        if (language or get_language() or "en")[:2] == "es" and len(spanish) == len(english):
            return spanish
        return english

    def text_in(self, language: str | None = None) -> str:
        return in_language(self.text, self.text_es, language)

    def low_label_in(self, language: str | None = None) -> str:
        return in_language(self.low_label, self.low_label_es, language)

    def high_label_in(self, language: str | None = None) -> str:
        return in_language(self.high_label, self.high_label_es, language)


class Invitation(models.Model):
    """A questionnaire asked of one participant at one moment of their case: asked once, never twice.

    Made when the moment comes (the case's timeline says so); it waits on the person's portal
    page until they answer or skip it, or until the moment has passed.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Waiting")
        ANSWERED = "answered", _("Answered")
        SKIPPED = "skipped", _("Skipped")
        CLOSED = "closed", _("No longer asked")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questionnaire_invitations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="questionnaire_invitations")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="invitations")
    moment = models.CharField(max_length=30, choices=Moment.choices)
    opens_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    # The version the person answered (set with the answers; answers keep it).
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The person's own yes to their caseworker reading these answers.
    shared_with_caseworker = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["opens_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "questionnaire", "moment"], name="questionnaire_asked_once_per_moment"
            ),
            models.CheckConstraint(
                condition=~Q(state="answered") | Q(version__isnull=False), name="answered_invitation_has_version"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "state"]),
            models.Index(fields=["case", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} for {self.participant} ({Moment(self.moment).label})"

    @property
    def moment_label(self) -> str:
        return Moment(self.moment).label


class Answer(models.Model):
    """One answer to one question. Skipped questions have no row."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True, help_text="A scale's value.")
    choice = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The choice's place, from 0.")
    text = models.CharField(max_length=MAX_TEXT_ANSWER, blank=True)

    class Meta:
        ordering = ["invitation", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | (Q(number__gte=0) & Q(number__lte=10)), name="answer_number_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.invitation_id}"

    @property
    def choice_label_en(self) -> str:
        choices = self.question.choice_list("en")
        return choices[self.choice] if self.choice is not None and self.choice < len(choices) else ""

    @property
    def shown(self) -> str:
        """The answer as staff read it (in English): "4 of 5 (Not at all … Completely)", the choice, the text."""
        question = self.question
        if self.number is not None:
            low, high = question.scale_range or (0, 0)
            return f"{self.number} of {high} ({low}: {question.low_label} … {high}: {question.high_label})"
        if self.choice is not None:
            choices = question.choice_list("en")
            return choices[self.choice] if self.choice < len(choices) else ""
        return self.text


class ResearchConsent(models.Model):
    """A participant's yes (or no) to their answers being used for PLI's research, apart from the program.

    Without a yes that stands now, their answers serve their case only and never leave in the
    research export. They can change their mind in the portal at any time.
    """

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="research_consent")
    agreed = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="When a yes was taken back.")

    class Meta:
        indexes = [models.Index(fields=["agreed"])]

    def __str__(self) -> str:
        return f"Research consent of {self.participant}: {'yes' if self.agreed else 'no'}"
