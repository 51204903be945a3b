"""Forms of the staff member's account page. Shape only; the rules are in services.py."""

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="Six digits; a new one every 30 seconds.",
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Type the six digits your app shows.")
        return code


class PolicyForm(forms.Form):
    required = forms.BooleanField(required=False, label="Require two-factor for every staff member")
