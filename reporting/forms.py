"""Filters of the dashboard and the reports page: validation of the query string lives here."""

from datetime import date

from django import forms
from django.utils import timezone

from cases.selectors import staff_who_can_hold_cases
from compassion.dates import BoundedDateField
from compassion.people import staff_name

from .reports import Period

# The browser's date picker sends and expects ISO dates.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseworkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


def _caseworker_field(empty_label: str) -> CaseworkerChoiceField:
    return CaseworkerChoiceField(
        queryset=staff_who_can_hold_cases(), required=False, empty_label=empty_label, label="Caseworker"
    )


class StaffChoiceField(forms.ChoiceField):
    """A choice among staff members already loaded by the page: no query of its own."""

    def __init__(self, *, staff: list, empty_label: str, **kwargs) -> None:
        self.staff = {str(person.pk): person for person in staff}
        names = [(pk, staff_name(person)) for pk, person in self.staff.items()]
        choices = [("", empty_label), *names]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        return self.staff.get(super().clean(value))


class DashboardFilterForm(forms.Form):
    """A supervisor may look at one caseworker's dashboard; ``staff`` are those who can hold cases."""

    def __init__(self, *args, staff: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"] = StaffChoiceField(
            staff=staff, empty_label="Everyone", required=False, label="Caseworker"
        )

    def chosen_caseworker(self):
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("caseworker")


# The longest range a report covers: every month in it is a row, and the figures of five years
# already fill the page.
MAX_REPORT_YEARS = 5


class ReportFilterForm(forms.Form):
    """The reports' date range (both days included, at most ``MAX_REPORT_YEARS``) and, optionally, one caseworker."""

    start = BoundedDateField(label="From", required=False, widget=DATE_INPUT)
    end = BoundedDateField(label="To", required=False, widget=DATE_INPUT)
    caseworker = _caseworker_field("Every caseworker")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = staff_who_can_hold_cases()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date; the figures are for the default range.")
        elif start and ((end or timezone.localdate()) - start).days > 366 * MAX_REPORT_YEARS:
            self.add_error(
                "end",
                f"A report covers at most {MAX_REPORT_YEARS} years; the figures are for the default range.",
            )
        return data

    def period(self, today: date) -> Period:
        """The range asked for, or the last twelve months when it is missing or not understood."""
        default = Period.default(today)
        self.is_valid()
        if "start" in self.errors or "end" in self.errors:
            return default
        data = getattr(self, "cleaned_data", {})
        start, end = data.get("start"), data.get("end")
        if start and end:
            return Period(start=start, end=end)
        if start:
            return Period(start=start, end=max(start, today))
        if end:
            return Period(start=Period.default(end).start, end=end)
        return default

    def chosen_caseworker(self):
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("caseworker")
