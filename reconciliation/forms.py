"""Forms of the step panels on the case page. Shape only; the rules are in the services.

Forms that point at a row (a shift, a participant, a check-in) take the ``case`` and only
accept rows of that case, so a hand-made POST cannot reach another case's rows.
"""

from django import forms
from django.forms.models import ModelChoiceIterator

from cases.models import Case, Participant
from compassion.dates import BoundedDateTimeField
from compassion.durations import DurationFields

from . import services
from .models import (
    MAX_ANSWER_LENGTH,
    MAX_MEETING_MINUTES,
    MAX_SHIFT_MINUTES,
    CheckIn,
    MeetingFormat,
    PersonalTime,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RoleSwapShift,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _area(rows: int = 3, **kwargs) -> forms.CharField:
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), max_length=MAX_ANSWER_LENGTH, **kwargs)


class LoadedChoices(ModelChoiceIterator):
    """A model choice field's options from rows the page has already loaded (``field.rows``): no query.

    The field keeps its queryset, which still decides what a submitted value may be.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows:
            yield self.choice(row)

    def __len__(self) -> int:
        return len(self.field.rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.rows)


class StepForm(forms.Form):
    """A form of a step panel: bound to the case; the panel draws its fields with crispy-forms.

    ``participants``: the case's participants, when the page has them already (their order
    is the options' order); without them, a participant field reads them itself.
    """

    def __init__(self, *args, case: Case, participants: list[Participant] | None = None, **kwargs):
        self.case = case
        self.participants = participants
        super().__init__(*args, **kwargs)

    def _participant_choices(self, name: str, queryset, keep) -> None:
        """Field ``name`` chooses among ``queryset``; its options are the loaded participants that ``keep`` keeps."""
        field = self.fields[name]
        if self.participants is not None:
            field.rows = [person for person in self.participants if keep(person)]
            field.iterator = LoadedChoices
        field.queryset = queryset  # sets the widget's choices, through the iterator above


# ---------------------------------------------------------------- step 1


class ReflectionForm(StepForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in Reflection.QUESTIONS.items():
            self.fields[name] = _area(rows=4, label=question, required=False)
        self.fields["message_to_agent"].help_text = "Optional."


class ReviewForm(StepForm):
    note = _area(label="Review note (for the case file)", required=False)


class ReturnForm(StepForm):
    note = _area(label="What should the customer add?")


# ---------------------------------------------------------------- consent and safety


class ConsentForm(StepForm):
    participant = forms.ModelChoiceField(queryset=Participant.objects.none())
    consent = forms.ChoiceField(
        choices=[(value, label) for value, label in Participant.Consent.choices if value != Participant.Consent.PENDING]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._participant_choices(
            "participant",
            self.case.participants.exclude(role=Participant.Role.CUSTOMER),
            lambda person: person.role != Participant.Role.CUSTOMER,
        )


class CallDoneForm(StepForm):
    """The caseworker called someone who asked to talk first."""

    participant = forms.ModelChoiceField(queryset=Participant.objects.none(), widget=forms.HiddenInput)
    note = forms.CharField(label="What you agreed (optional)", max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = self.case.participants.filter(call_requested_at__isnull=False)


class SafetyApprovalForm(StepForm):
    note = _area(label="Safety note: what makes it safe to go ahead")


class StepSkipForm(StepForm):
    reason = _area(label="Why is this step skipped?")


# ---------------------------------------------------------------- step 2


class PlanForm(StepForm, forms.ModelForm):
    class Meta:
        model = ReconciliationPlan
        fields = [
            "goals_redemption",
            "goals_empathy",
            "goals_reconciliation",
            "role_swap_hours",
            "personal_time_with_agent",
            "meeting_format",
        ]
        widgets = {
            "goals_redemption": forms.Textarea(attrs={"rows": 2}),
            "goals_empathy": forms.Textarea(attrs={"rows": 2}),
            "goals_reconciliation": forms.Textarea(attrs={"rows": 2}),
        }


class SignoffForm(StepForm):
    plan = forms.ModelChoiceField(queryset=ReconciliationPlan.objects.none(), widget=forms.HiddenInput)
    participant = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Who")
    decision = forms.ChoiceField(choices=PlanSignoff.Decision.choices, widget=forms.RadioSelect)
    comment = _area(rows=2, label="Comment (needed when asking for changes)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = self.case.plans.all()
        self._participant_choices("participant", self.case.participants.all(), lambda person: True)


# ---------------------------------------------------------------- step 3


class ShiftProposeForm(StepForm):
    starts_at = BoundedDateTimeField(label="Starts", widget=DATETIME)
    ends_at = BoundedDateTimeField(label="Ends", widget=DATETIME)
    role = forms.CharField(label="Role the customer takes", max_length=200)
    location = forms.CharField(max_length=300)
    supervisor_on_site = forms.CharField(label="Supervisor on site", max_length=200)
    agent = forms.ModelChoiceField(
        queryset=Participant.objects.none(), required=False, label="In the role of (staff member)"
    )
    agent_starts_at = BoundedDateTimeField(label="Their hours that day: from", widget=DATETIME, required=False)
    agent_ends_at = BoundedDateTimeField(label="Their hours that day: to", widget=DATETIME, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._participant_choices(
            "agent",
            self.case.participants.filter(role=Participant.Role.AGENT),
            lambda person: person.role == Participant.Role.AGENT,
        )
        self.fields["agent_starts_at"].help_text = "Needed when the staff member asked for no contact."


class ShiftForm(StepForm):
    """An action on one shift of the case."""

    shift = forms.ModelChoiceField(queryset=RoleSwapShift.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = RoleSwapShift.objects.filter(case=self.case)


class ShiftReasonForm(ShiftForm):
    reason = forms.CharField(max_length=1000, label="Reason")


class ShiftCounterForm(ShiftForm):
    starts_at = BoundedDateTimeField(label="Other time: starts", widget=DATETIME)
    ends_at = BoundedDateTimeField(label="Other time: ends", widget=DATETIME)


class AttendanceForm(DurationFields, ShiftForm):
    """Attended (with the time worked, in hours and minutes) or a no-show."""

    field_order = ["shift", "attended", "hours", "minutes", "feedback"]

    attended = forms.TypedChoiceField(
        choices=[("yes", "Attended"), ("no", "No-show")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Attendance",
    )
    feedback = _area(rows=2, label="The business's feedback", required=False)


class ShiftReflectionForm(ShiftForm):
    text = _area(rows=2, label="The customer's reflection on the shift")


class PersonalTimeProposeForm(StepForm):
    agent = forms.ModelChoiceField(queryset=Participant.objects.none(), label="With (staff member)")
    starts_at = BoundedDateTimeField(label="Starts", widget=DATETIME)
    ends_at = BoundedDateTimeField(label="Ends", widget=DATETIME)
    activity = forms.CharField(label="What they would do (a coffee, a walk, …)", max_length=200)
    location = forms.CharField(label="Where", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._participant_choices(
            "agent",
            self.case.participants.filter(role=Participant.Role.AGENT),
            lambda person: person.role == Participant.Role.AGENT,
        )


class PersonalTimeForm(StepForm):
    """An action on one personal time of the case."""

    time = forms.ModelChoiceField(queryset=PersonalTime.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time"].queryset = PersonalTime.objects.filter(case=self.case)


class PersonalTimeCancelForm(PersonalTimeForm):
    reason = forms.CharField(max_length=1000, label="Reason")


class PersonalTimeLogForm(PersonalTimeForm):
    minutes = forms.IntegerField(min_value=1, max_value=MAX_SHIFT_MINUTES, label="How long it lasted (minutes)")


# ---------------------------------------------------------------- step 4


class MeetingScheduleForm(StepForm):
    scheduled_at = BoundedDateTimeField(label="When", widget=DATETIME)
    format = forms.ChoiceField(choices=MeetingFormat.choices)
    location = forms.CharField(max_length=500, label="Where, or the video link")
    facilitator = forms.CharField(max_length=200)
    safety_plan = _area(label="Safety plan (needed unless the risk is low)", required=False)


EXPRESSED = [
    ("gratitude", "Gratitude"),
    ("acknowledgment", "Acknowledgment"),
    ("ownership", "Ownership"),
]


class MeetingOutcomeForm(StepForm):
    """The meeting's length, what the customer expressed, and for each staff member and the
    business who could be there: whether they took part and what they expressed."""

    minutes = forms.IntegerField(
        min_value=1, max_value=MAX_MEETING_MINUTES, label="How long was the meeting? (minutes)"
    )
    gratitude_expressed = forms.BooleanField(required=False, label="The customer expressed gratitude")
    acknowledgment_expressed = forms.BooleanField(required=False, label="The customer expressed acknowledgment")
    ownership_expressed = forms.BooleanField(required=False, label="The customer expressed ownership")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.participants if self.participants is not None else list(self.case.participants.all())
        self.people = services.meeting_people(people)
        for person in self.people:
            role = "staff member" if person.role == Participant.Role.AGENT else "business"
            self.fields[f"took_part_{person.pk}"] = forms.BooleanField(
                required=False, label=f"{person.name} ({role}) took part"
            )
            self.fields[f"expressed_{person.pk}"] = forms.MultipleChoiceField(
                choices=EXPRESSED,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label=f"What {person.name} expressed",
            )
        self.fields["notes"] = _area(label="How did it go?")

    def clean(self):
        data = super().clean()
        voices = []
        for person in self.people:
            said = set(data.get(f"expressed_{person.pk}") or ())
            took_part = bool(data.get(f"took_part_{person.pk}"))
            if said and not took_part:
                self.add_error(
                    f"expressed_{person.pk}",
                    f"Tick \"{person.name} took part\" first, or clear what they expressed.",
                )
            voices.append(
                services.Voice(
                    participant=person,
                    took_part=took_part,
                    gratitude_expressed="gratitude" in said,
                    acknowledgment_expressed="acknowledgment" in said,
                    ownership_expressed="ownership" in said,
                )
            )
        names = ("minutes", "gratitude_expressed", "acknowledgment_expressed", "ownership_expressed", "notes")
        return {name: data[name] for name in names if name in data} | {"voices": voices}


class MeetingSkipForm(StepForm):
    reason = _area(rows=2, label="Why is the meeting skipped? (the staff member declined, …)")


# ---------------------------------------------------------------- step 5


class CommitmentsForm(StepForm):
    commitments = _area(label="What the customer commits to")
    off_limits = _area(label="Behaviour that is off limits")


class AgreeForm(StepForm):
    """A confirmation with nothing to fill in."""


class CheckInMissForm(StepForm):
    checkin = forms.ModelChoiceField(queryset=CheckIn.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkin"].queryset = CheckIn.objects.filter(case=self.case)


class CheckInForm(CheckInMissForm):
    answers = _area(label="How is it going? What did the customer say?")
