"""The caseworker's own record of a case: notes and the contact log, tasks.

Staff only: no participant ever sees a note. A sensitive note is for supervisors and the
case's assigned caseworker only (``casework.selectors.notes_visible_to``).
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.history import audited
from cases.models import Case, Participant
from compassion.dates import stored_date_in_range, stored_in_range
from compassion.people import staff_name

NOTE_MAX_CHARS = 5000  # a note, and what was agreed: a page of text each


class Note(models.Model):
    """A note on a case, or a contact with someone (a call, a visit, an e-mail ...): when, with
    whom, how long and what was agreed. Its author may edit it for ``NOTE_EDIT_MINUTES``; after
    that it is fixed. Every version is kept in the audit history."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        VISIT = "visit", "Visit"
        EMAIL = "email", "E-mail"
        TEXT = "text", "Text message"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    happened_at = models.DateTimeField("when")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="with (participant)",
    )
    with_whom = models.CharField(
        "with (someone else)", max_length=200, blank=True, help_text="For example a probation officer."
    )
    minutes = models.PositiveIntegerField("how long (minutes)", null=True, blank=True)
    text = models.TextField("note")
    agreed = models.TextField("what was agreed", blank=True)
    sensitive = models.BooleanField(
        default=False, help_text="Only supervisors and the case's caseworker can read a sensitive note."
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    history = audited(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["case", "-happened_at", "-id"])]
        constraints = [
            models.CheckConstraint(condition=stored_in_range("happened_at"), name="note_happened_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id} at {self.happened_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("casework:notes", kwargs={"reference": self.case.reference}) + f"#note-{self.pk}"

    @property
    def is_contact(self) -> bool:
        return self.kind != self.Kind.NOTE

    @property
    def kind_label(self) -> str:
        return self.Kind(self.kind).label

    @property
    def editable_until(self):
        return self.created_at + timezone.timedelta(minutes=settings.NOTE_EDIT_MINUTES)

    def who(self) -> str:
        """Whom the contact was with, as a person reads it."""
        names = []
        if self.participant_id:
            names.append(self.participant.name)
        if self.with_whom:
            names.append(self.with_whom)
        return ", ".join(names)


TASK_MAX_CHARS = 300
OPEN = Q(done_at__isnull=True)


class Task(models.Model):
    """Something a staff member means to do on a case ("call the business on Tuesday"), by a day.

    Its owner is the case's caseworker or a supervisor (someone who can open the case). The
    morning after its due day, a task not done reminds its owner once (``casework.services``).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("what", max_length=TASK_MAX_CHARS)
    due_on = models.DateField("due")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = audited()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # The dashboard: open tasks by owner, soonest first; and everybody's, for supervisors.
            models.Index(fields=["owner", "due_on", "id"], condition=OPEN, name="task_open_by_owner"),
            models.Index(fields=["due_on", "id"], condition=OPEN, name="task_open_by_due"),
            models.Index(fields=["case", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=stored_date_in_range("due_on"), name="task_due_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on:%Y-%m-%d})"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def owner_name(self) -> str:
        return staff_name(self.owner)


# What each kept type is called (casework/attachments.py decides which types are kept).
KIND_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG picture",
    "image/png": "PNG picture",
    "image/heic": "HEIC picture",
    "image/heif": "HEIC picture",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "text/plain": "Text",
}


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Where a file is kept: under its case, by a random name (never the name it came with)."""
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


def attachment_storage():
    """Read at call time: the setting (a folder or object storage) decides, and tests may swap it."""
    return storages["attachments"]


class Attachment(models.Model):
    """A file kept on a case (a police report, a photo, a signed copy, a letter): who added it and
    when, what it really is, and whose it is (for a participant's export and erasure)."""

    class Source(models.TextChoices):
        STAFF = "staff", "Added by staff"
        REFLECTION = "reflection", "Added by the customer to their reflection"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=attachment_storage, max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField("what it is", max_length=200, blank=True)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="whose it is",
        help_text="The participant it is from or about, if anyone's: it goes with their export and erasure.",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    history = audited(excluded_fields=["file"])

    class Meta:
        ordering = ["-added_at", "-id"]
        indexes = [models.Index(fields=["case", "-added_at", "-id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(source="reflection"), name="one_reflection_file_per_case"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("casework:attachment", kwargs={"reference": self.case.reference, "pk": self.pk})

    @property
    def size_label(self) -> str:
        if self.size < 1024 * 1024:
            return f"{max(self.size // 1024, 1)} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.content_type, "File")


class Signature(models.Model):
    """A participant's typed signature under a document in the portal: the name they typed, when,
    and which version of the text (a plan's version; the commitments are one text)."""

    class Document(models.TextChoices):
        PLAN = "plan", "Plan"
        COMMITMENTS = "commitments", "Commitments"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signatures")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="signatures")
    document = models.CharField(max_length=20, choices=Document.choices)
    version = models.PositiveSmallIntegerField(default=1)
    typed_name = models.CharField("name typed", max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    history = audited()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "document", "version"], name="one_signature_per_person_and_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} signed the {self.document} (version {self.version})"
