"""Forms of the caseworker's record: shape of the input only; the rules are in ``services``."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from cases.models import Case, Participant
from cases.roles import SUPERVISOR_GROUP
from compassion.dates import BoundedDateField, BoundedDateTimeField
from compassion.people import staff_name

from .attachments import ALLOWED_SAID
from .models import NOTE_MAX_CHARS, TASK_MAX_CHARS, Note
from .services import NoteDetails

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StyledForm(forms.Form):
    """Bootstrap's classes on each widget: the case page draws these forms without crispy (lighter,
    for a page drawn often), through ``casework/_field.html``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


class NoteForm(StyledForm):
    kind = forms.ChoiceField(label="What", choices=Note.Kind.choices, initial=Note.Kind.NOTE)
    happened_at = BoundedDateTimeField(label="When", widget=DATETIME, latest="now")
    participant = forms.ModelChoiceField(
        label="With", queryset=Participant.objects.none(), required=False, empty_label="Nobody / someone else"
    )
    with_whom = forms.CharField(
        label="Or with someone else", max_length=200, required=False, help_text="For example, a probation officer."
    )
    minutes = forms.IntegerField(label="How long (minutes)", min_value=1, max_value=24 * 60, required=False)
    text = forms.CharField(
        label="Note",
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "A note holds at most %(limit_value)d characters (this one has %(show_value)d)."},
    )
    agreed = forms.CharField(
        label="What was agreed",
        max_length=NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "At most %(limit_value)d characters (this has %(show_value)d)."},
    )
    sensitive = forms.BooleanField(
        label="Sensitive: only supervisors and the case's caseworker can read it", required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = case.participants.filter(erased_at__isnull=True).order_by("role", "id")
        self.fields["participant"].label_from_instance = str
        if not self.is_bound and "happened_at" not in self.initial:
            self.initial["happened_at"] = timezone.localtime().replace(second=0, microsecond=0)

    @classmethod
    def for_note(cls, note: Note, *args, **kwargs) -> "NoteForm":
        initial = {
            "kind": note.kind,
            "happened_at": timezone.localtime(note.happened_at),
            "participant": note.participant_id,
            "with_whom": note.with_whom,
            "minutes": note.minutes,
            "text": note.text,
            "agreed": note.agreed,
            "sensitive": note.sensitive,
        }
        return cls(*args, case=note.case, initial=initial, **kwargs)

    def details(self) -> NoteDetails:
        data = self.cleaned_data
        return NoteDetails(
            kind=data["kind"],
            happened_at=data["happened_at"],
            text=data["text"],
            agreed=data["agreed"],
            participant=data["participant"],
            with_whom=data["with_whom"].strip(),
            minutes=data["minutes"],
            sensitive=data["sensitive"],
        )


class TaskForm(StyledForm):
    title = forms.CharField(
        label="What",
        max_length=TASK_MAX_CHARS,
        error_messages={"max_length": "At most %(limit_value)d characters (this has %(show_value)d)."},
    )
    due_on = BoundedDateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    owner = forms.ModelChoiceField(label="For", queryset=get_user_model().objects.none(), empty_label=None)

    def __init__(self, *args, case: Case, user=None, **kwargs):
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = task_owners(case)
        self.fields["owner"].label_from_instance = staff_name
        if not self.is_bound:
            self.initial.setdefault("owner", user.pk if user is not None else case.caseworker_id)
            self.initial.setdefault("due_on", timezone.localdate())

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The due date has passed: please choose today or a later day.")
        return due_on


def task_owners(case: Case):
    """Who a task on the case can be for: its caseworker and the supervisors (those who can open it)."""
    return (
        get_user_model()
        .objects.filter(Q(pk=case.caseworker_id) | Q(groups__name=SUPERVISOR_GROUP), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class AttachmentForm(StyledForm):
    file = forms.FileField(
        label="File",
        error_messages={"required": "Please choose a file.", "empty": "The file is empty."},
    )
    description = forms.CharField(
        label="What it is", max_length=200, required=False, help_text="For example: police report."
    )
    participant = forms.ModelChoiceField(
        label="Whose it is",
        queryset=Participant.objects.none(),
        required=False,
        empty_label="Nobody's in particular",
        help_text="A file from or about a participant goes with their data export, and is deleted if their data "
        "is erased.",
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("prefix", "file")
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = case.participants.filter(erased_at__isnull=True).order_by("role", "id")
        self.fields["file"].help_text = (
            f"{str(ALLOWED_SAID).capitalize()}; at most {settings.ATTACHMENT_MAX_MB} MB."
        )

