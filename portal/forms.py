"""Forms of the portal, in the participant's language. Shape only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Participant
from casework.services import signature_check
from compassion.dates import BoundedDateTimeField
from compassion.durations import DurationFields
from reconciliation.models import (
    MAX_ANSWER_LENGTH,
    PersonalTime,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RoleSwapShift,
)
from reconciliation.workflow import WorkflowError

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TOO_LONG = _("Please keep this answer under %(limit_value)d characters (it has %(show_value)d).")


class PortalForm(forms.Form):
    """A form of the portal: a missing answer is asked for in kind words, not Django's "This field is required"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("Please answer this one: we need it to send your answer.")


def _answer(label, *, required: bool = False, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": TOO_LONG},
    )


class ReflectionForm(PortalForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in Reflection.QUESTIONS.items():
            self.fields[name] = _answer(question)
        self.fields["message_to_agent"].help_text = _("Optional.")
        for field in self.fields.values():
            field.help_text = field.help_text or _("Up to %(limit)d characters.") % {"limit": MAX_ANSWER_LENGTH}


class SignoffForm(PortalForm):
    plan = forms.ModelChoiceField(queryset=ReconciliationPlan.objects.all(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (PlanSignoff.Decision.AGREED, _("I agree to this plan")),
            (PlanSignoff.Decision.CHANGES_REQUESTED, _("I would like changes")),
        ],
        widget=forms.RadioSelect,
    )
    comment = _answer(_("Which changes? (needed if you would like changes)"), rows=3)
    signature = forms.CharField(
        label=_("To agree, type your full name here: it is your signature"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["plan"].queryset = participant.case.plans.all()

    def clean(self):
        data = super().clean()
        if data.get("decision") == PlanSignoff.Decision.AGREED:
            try:
                signature_check(participant=self.participant, typed_name=data.get("signature", ""))
            except WorkflowError as error:
                self.add_error("signature", error)
        return data


class ConsentForm(PortalForm):
    consent = forms.ChoiceField(label=_("Will you take part?"), widget=forms.RadioSelect)

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        if participant.consent == Participant.Consent.GIVEN:
            self.fields["consent"].label = _("You can stop at any time.")
            self.fields["consent"].choices = [(Participant.Consent.WITHDRAWN, _("I no longer wish to take part"))]
        else:
            self.fields["consent"].choices = [
                (Participant.Consent.GIVEN, _("Yes, I would like to take part")),
                (Participant.Consent.DECLINED, _("No, I would rather not")),
            ]


class ShiftForm(PortalForm):
    """An action on one of the case's shifts."""

    shift = forms.ModelChoiceField(queryset=RoleSwapShift.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = participant.case.shifts.all()


class ShiftDeclineForm(ShiftForm):
    reason = forms.CharField(label=_("Why can this shift not go ahead?"), max_length=1000)


class ShiftCounterForm(ShiftForm):
    starts_at = BoundedDateTimeField(label=_("Another time: starts"), widget=DATETIME)
    ends_at = BoundedDateTimeField(label=_("Another time: ends"), widget=DATETIME)


class AttendanceForm(DurationFields, ShiftForm):
    """The business says whether the customer came and, if so, how long they worked."""

    field_order = ["shift", "attended", "hours", "minutes", "feedback"]

    attended = forms.TypedChoiceField(
        label=_("Did the customer come?"),
        choices=[("yes", _("Yes, they worked the shift")), ("no", _("No, they did not come"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    feedback = _answer(_("How did it go? (optional)"), rows=3)


class ShiftReflectionForm(ShiftForm):
    text = _answer(_("How was the shift for you? What did you notice?"), required=True, rows=3)


class AgentWordsForm(PortalForm):
    words = _answer(_("Your words for the meeting (optional)"), rows=4)


class CheckInForm(PortalForm):
    answers = _answer(_("How are things going for you since the program?"), required=True)


class PersonalTimeConsentForm(PortalForm):
    """The staff member's own yes or no to personal time with the customer, separate from taking part."""

    agreed = forms.TypedChoiceField(coerce=lambda value: value == "yes", widget=forms.RadioSelect)

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agreed"]
        if participant.personal_time_consent:
            field.label = _("You said yes to personal time. You can change your mind at any time.")
            field.choices = [("no", _("I no longer want personal time with the customer"))]
        else:
            field.label = _("Would you like some personal time with the customer?")
            field.choices = [
                ("yes", _("Yes, I am open to it")),
                ("no", _("No, thank you")),
            ]


class PersonalTimeForm(PortalForm):
    """An answer about one personal time of the participant's case."""

    time = forms.ModelChoiceField(queryset=PersonalTime.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        times = participant.case.personal_times.all()
        if participant.role == Participant.Role.AGENT:
            times = times.filter(agent=participant)
        self.fields["time"].queryset = times


class PersonalTimeWordsForm(PersonalTimeForm):
    text = _answer(_("A few words about it, if you wish"), required=True, rows=3)
