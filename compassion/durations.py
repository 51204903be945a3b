"""Lengths of time as people say them: "4 hours", "45 minutes", "1 hour 30 minutes".

Time worked is kept in whole minutes (never as a fraction of an hour, which 15 or 20 minutes are
not, exactly), typed as hours and minutes, and shown in words in the reader's language.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


def duration(minutes: int | None) -> str:
    """``minutes`` in words: "4 hours", "45 minutes", "1 hour 30 minutes"; "0 minutes" for none."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if hours and rest:
        return _("%(hours)s %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}
    return hours_text if hours else minutes_text


class DurationFields(forms.Form):
    """Two small fields, hours and minutes, read together as ``cleaned_data["duration"]`` (minutes,
    or None when both are empty)."""

    hours = forms.IntegerField(
        label=gettext_lazy("Time worked: hours"),
        min_value=0,
        max_value=24,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "duration-input"}),
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("and minutes"),
        min_value=0,
        max_value=59,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "duration-input"}),
    )

    def clean(self):
        data = super().clean()
        hours, minutes = data.get("hours"), data.get("minutes")
        if "hours" in self.errors or "minutes" in self.errors:
            return data
        data["duration"] = None if hours is None and minutes is None else (hours or 0) * 60 + (minutes or 0)
        return data
