"""Forms of the staff pages. They check the shape of input; the rules live in services."""

from crispy_forms.helper import FormHelper
from django import forms

from compassion.dates import BoundedDateTimeField
from compassion.people import staff_name

from .models import Business, Case, Incident, Participant
from .selectors import staff_who_can_hold_cases
from .services import STATUS_ACTIONS, PersonDetails


class _SectionForm(forms.Form):
    """A form rendered inside the intake page's single <form> tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class IncidentForm(_SectionForm, forms.ModelForm):
    occurred_at = BoundedDateTimeField(
        label="When it happened",
        latest="now",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"in_future": "The incident cannot be in the future."},
    )
    video_url = forms.URLField(
        label="Link to the video", max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Incident
        fields = [
            "occurred_at",
            "location",
            "description",
            "severity",
            "police_involved",
            "video_posted",
            "video_url",
            "source",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"location": "For example: the checkout line of the Main Street store."}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("video_url") and not cleaned.get("video_posted"):
            self.add_error("video_posted", "Tick this box if there is a link to a video posted online.")
        return cleaned


class BusinessForm(_SectionForm):
    existing = forms.ModelChoiceField(
        label="Existing business",
        queryset=Business.objects.all(),
        required=False,
        empty_label="— a new business (fill in below) —",
    )
    name = forms.CharField(label="Business name", max_length=200, required=False)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    contact_name = forms.CharField(label="Contact person", max_length=200, required=False)
    contact_email = forms.EmailField(label="Contact e-mail", required=False)
    contact_phone = forms.CharField(label="Contact phone", max_length=40, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("existing") and not cleaned.get("name", "").strip():
            self.add_error("name", "Choose an existing business above or enter the name of a new one.")
        return cleaned

    def new_business(self) -> dict | None:
        if self.cleaned_data.get("existing"):
            return None
        fields = ("name", "address", "contact_name", "contact_email", "contact_phone")
        return {name: self.cleaned_data[name] for name in fields}


PHONE_INVALID = (
    "Enter a real phone number: for example (201) 555-0123, or a number of another country "
    "starting with + and its country code (+34 612 345 678)."
)


def check_contact_channel(form: forms.Form, *, needs_a_way: bool = False) -> None:
    """The chosen channel has its address: texts need a phone, e-mail an address. A person given
    neither is left to the caller (``needs_a_way``: the customer must be reachable)."""
    cleaned = form.cleaned_data
    if form.has_error("email") or form.has_error("phone"):
        return
    email, phone, channel = cleaned.get("email"), cleaned.get("phone"), cleaned.get("channel")
    if not email and not phone:
        if needs_a_way:
            form.add_error("email", "Give an e-mail address or a phone number so the customer can be reached.")
        return
    Channel = Participant.Channel
    if channel in {Channel.SMS, Channel.BOTH} and not phone:
        form.add_error("phone", "Text messages need a phone number: add one, or choose e-mail.")
    elif channel in {Channel.EMAIL, Channel.BOTH} and not email:
        form.add_error("channel", "There is no e-mail address: choose text messages, or add an address.")


class ChannelField(forms.ChoiceField):
    """The channel of a person's messages; not given (a script's post) means e-mail, and is no change."""

    def has_changed(self, initial, data) -> bool:
        return bool(data) and super().has_changed(initial, data)


class ContactFields(forms.ModelForm):
    """E-mail, phone (a real number, see ``PHONE_REGION``) and the channel reminders go by."""

    channel = ChannelField(
        label="Reminders and links by",
        choices=Participant.Channel.choices,
        required=False,
        initial=Participant.Channel.EMAIL,
    )

    class Meta:
        model = Participant
        fields = ["email", "phone", "channel"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}
        error_messages = {"phone": {"invalid": PHONE_INVALID}}
        help_texts = {"phone": "A number without a country code is read as a local one."}

    def clean_channel(self) -> str:
        return self.cleaned_data.get("channel") or Participant.Channel.EMAIL


class ContactForm(ContactFields):
    """The caseworker's change of how a participant is reached (the case page's "Contact details")."""

    def clean(self):
        cleaned = super().clean()
        check_contact_channel(self)
        return cleaned


class PersonForm(_SectionForm, ContactFields):
    class Meta(ContactFields.Meta):
        fields = ["name", "email", "phone", "channel", "preferred_language"]

    def details(self) -> PersonDetails:
        return PersonDetails(**{name: self.cleaned_data.get(name, "") for name in self.Meta.fields})

    def clean(self):
        cleaned = super().clean()
        check_contact_channel(self)
        return cleaned


class CustomerForm(PersonForm):
    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        check_contact_channel(self, needs_a_way=True)
        return cleaned


class AgentForm(PersonForm):
    class Meta(PersonForm.Meta):
        fields = [*PersonForm.Meta.fields, "no_contact"]


class BusinessRepresentativeForm(PersonForm):
    """Optional: the owner or manager who signs the plan and confirms shifts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def details(self) -> PersonDetails | None:
        if not self.cleaned_data.get("name"):
            return None
        return super().details()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name") and (cleaned.get("email") or cleaned.get("phone")):
            self.add_error("name", "Give the representative's name, or leave their details empty.")
        return cleaned


AgentFormSet = forms.formset_factory(AgentForm, extra=2, max_num=10, validate_max=True)


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member by their name, as people call each other (the username only when no name is set)."""

    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


class CaseAssignmentForm(_SectionForm):
    caseworker = StaffChoiceField(label="Caseworker", queryset=staff_who_can_hold_cases())
    risk = forms.ChoiceField(
        label="Risk",
        choices=[("", "Default from the incident (threats or violence: high)"), *Case.Risk.choices],
        required=False,
    )

    def __init__(self, *args, can_assign_others: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = staff_who_can_hold_cases()
        if not can_assign_others:
            del self.fields["caseworker"]


class StatusChangeForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in STATUS_ACTIONS])
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReassignForm(forms.Form):
    caseworker = StaffChoiceField(queryset=staff_who_can_hold_cases(), label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = staff_who_can_hold_cases()
