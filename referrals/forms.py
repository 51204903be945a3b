"""Forms of the public referral page and of triage. They check the shape of input only."""

import re

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from compassion.dates import BoundedDateField

from .models import NAME_MAX, PHONE_MAX, PLACE_MAX, STORY_MAX, URL_MAX, Referral
from .services import ReferralDetails

# A phone number as people type it: digits with spaces, dots, dashes, brackets, a leading +.
PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().\-]+$")
PHONE_MIN_DIGITS = 7
NOTE_MAX = 2000

WRITER_CHOICES = [
    (Referral.Writer.CUSTOMER, _("I am the customer")),
    (Referral.Writer.BUSINESS, _("I own or manage the business")),
    (Referral.Writer.STAFF, _("I work there, and it happened to me")),
    (Referral.Writer.OTHER, _("Someone else: a friend, a relative, a witness")),
]


def _too_long(limit: int) -> dict:
    return {"max_length": _("Please keep this to %(limit_value)d characters (it has %(show_value)d).")}


class WebLinkField(forms.URLField):
    """A link to a web page: http or https only (no ftp:, javascript:, data:)."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": _("Give a web link that starts with http:// or https://.")}


class ReferralForm(forms.Form):
    """The public referral form. ``website`` is a honeypot: people never see it, bots fill it."""

    writer = forms.ChoiceField(label=_("Who is writing?"), choices=WRITER_CHOICES, widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        error_messages=_too_long(NAME_MAX),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=PHONE_MAX,
        error_messages=_too_long(PHONE_MAX),
        help_text=_("An e-mail address, a phone number or both: we need at least one way to reach you."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_by = forms.ChoiceField(
        label=_("How would you like us to reach you?"),
        choices=Referral.ContactBy.choices,
        initial=Referral.ContactBy.EMAIL,
        widget=forms.RadioSelect,
    )
    business_name = forms.CharField(
        label=_("The business"),
        max_length=NAME_MAX,
        error_messages=_too_long(NAME_MAX),
        help_text=_("Its name, for example: Sunrise Coffee."),
    )
    occurred_on = BoundedDateField(
        latest="now",
        label=_("Roughly when did it happen?"),
        required=False,
        help_text=_("An approximate date is fine."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    location = forms.CharField(
        label=_("Where did it happen?"),
        required=False,
        max_length=PLACE_MAX,
        error_messages=_too_long(PLACE_MAX),
        help_text=_("The town, the street or the store, for example: the Main Street store in Springfield."),
    )
    story = forms.CharField(
        label=_("What happened, in your own words"),
        max_length=STORY_MAX,
        error_messages=_too_long(STORY_MAX),
        help_text=_("Up to 5,000 characters. Write as much or as little as you like."),
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    police = forms.ChoiceField(
        label=_("Were the police involved?"), choices=Referral.Police.choices, widget=forms.RadioSelect
    )
    video_url = WebLinkField(
        label=_("Link to a video, if there is one"),
        required=False,
        max_length=URL_MAX,
        assume_scheme="https",
        error_messages=_too_long(URL_MAX),
        help_text=_("For example a link to the post where the video was shared. Please do not send files."),
    )
    consent_contact = forms.BooleanField(
        label=_("I agree that the Peaceful Leadership Institute may contact me about this message."),
        error_messages={"required": _("We can only take your message if you agree to be contacted.")},
    )
    consent_privacy = forms.BooleanField(
        label=_("I have read the privacy notice above."),
        error_messages={"required": _("Please read the privacy notice and tick this box.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and (not PHONE_CHARACTERS.match(phone) or sum(char.isdigit() for char in phone) < PHONE_MIN_DIGITS):
            raise forms.ValidationError(_("Enter a phone number with at least 7 digits, for example 555-123-4567."))
        return phone

    def clean(self) -> dict:
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if not self.has_error("email") and not self.has_error("phone"):
            if not email and not phone:
                self.add_error("email", _("Give an e-mail address or a phone number so that we can reach you."))
            elif cleaned.get("contact_by") == Referral.ContactBy.EMAIL and not email:
                self.add_error("email", _("You asked us to write to you: please give your e-mail address."))
            elif cleaned.get("contact_by") in {Referral.ContactBy.PHONE, Referral.ContactBy.TEXT} and not phone:
                self.add_error("phone", _("You asked us to call or text you: please give your phone number."))
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            writer=data["writer"],
            name=data["name"].strip(),
            email=data["email"],
            phone=data["phone"],
            contact_by=data["contact_by"],
            business_name=data["business_name"].strip(),
            occurred_on=data["occurred_on"],
            location=data["location"].strip(),
            story=data["story"].strip(),
            police=data["police"],
            video_url=data["video_url"],
            consented=data["consent_contact"] and data["consent_privacy"],
        )


class DuplicateForm(forms.Form):
    case = forms.ModelChoiceField(
        label="Reference of the existing case",
        queryset=Case.objects.none(),
        to_field_name="reference",
        error_messages={
            "required": "Give the reference of the case this referral is about.",
            "invalid_choice": "No case has the reference “%(value)s”.",
        },
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=NOTE_MAX)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].widget = forms.TextInput(attrs={"placeholder": f"CCP-{timezone.localdate().year}-0001"})


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why is it declined? (for PLI staff)", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    send_reply = forms.BooleanField(label="Send the person a kind reply by e-mail", required=False)
    reply_message = forms.CharField(
        label="A personal sentence for the reply (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Added to the standard reply, which thanks them and points to other help.",
    )
