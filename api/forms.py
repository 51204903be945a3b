"""Forms of the tokens and webhooks pages: the shape of input only; the rules are in services."""

from django import forms

from .models import Scope, WebhookEvent
from .services import TOKEN_DAYS_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, help_text="What it is for, so that you know which one to revoke."
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing the token may do."},
    )
    days = forms.TypedChoiceField(
        label="It stops working after",
        coerce=int,
        choices=[(days, f"{days} days") for days in TOKEN_DAYS_CHOICES],
        initial=90,
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="Where each event is sent, by POST. https:// in production.",
    )
    description = forms.CharField(label="Description (optional)", max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label="Events",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
