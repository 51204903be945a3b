"""The widgets drawn in Python (compassion/forms.py) are the same HTML as Django's templates draw."""

import datetime

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from compassion.forms import BootstrapForm, PythonWidgets

TRICKY = 'Robin "Bobby" <O\'Hara> & Co'


class Everything(BootstrapForm, forms.Form):
    name = forms.CharField(help_text="Full name", max_length=50)
    email = forms.EmailField(required=False)
    hours = forms.DecimalField(min_value=0, max_digits=4, decimal_places=1)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    risk = forms.ChoiceField(choices=[("", "Any risk"), ("low", "Low"), ("high", TRICKY)], required=False)
    grouped = forms.ChoiceField(
        choices=[("Shops", [("a", "Bakery"), ("b", TRICKY)]), ("Other", [("c", "School")])], required=False
    )
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    yes_no = forms.NullBooleanField(required=False)
    agreed = forms.BooleanField(required=False)


def drawn_by(renderer, data=None, initial=None) -> dict[str, str]:
    form = Everything(data, initial=initial, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    ("data", "initial"),
    [
        (None, None),
        (None, {"name": TRICKY, "day": datetime.date(2026, 3, 4), "notes": f"Line one\n{TRICKY}", "risk": "high"}),
        (
            {"name": "", "hours": "-1", "risk": "nonsense", "grouped": "b", "several": ["x", "y"], "yes_no": "true"},
            None,
        ),
        ({"name": TRICKY, "email": "not an e-mail", "notes": "", "token": TRICKY}, None),
    ],
    ids=["empty", "filled in", "with errors", "escaped values"],
)
def test_each_widget_is_drawn_as_django_draws_it(data, initial):
    by_templates = drawn_by(DjangoTemplates(), data, initial)
    in_python = drawn_by(PythonWidgets(), data, initial)

    for name, html in by_templates.items():
        assert in_python[name] == html, name


def test_a_value_is_escaped():
    html = str(Everything({"name": TRICKY})["name"])

    assert "&quot;Bobby&quot; &lt;O&#x27;Hara&gt; &amp; Co" in html
    assert TRICKY not in html


def test_those_widgets_are_drawn_without_their_templates():
    rendered = []

    def remember(sender, template, context, **kwargs):
        rendered.append(template.origin.template_name)

    template_rendered.connect(remember)
    try:
        drawn_by(PythonWidgets(), {"name": TRICKY, "risk": "high", "grouped": "b"})
    finally:
        template_rendered.disconnect(remember)

    # Only the widgets this renderer does not draw itself: checkboxes and the multiple select.
    assert set(rendered) <= {
        "django/forms/widgets/checkbox.html",
        "django/forms/widgets/select_multiple.html",
        "django/forms/widgets/select_option.html",
        "django/forms/widgets/attrs.html",
        "django/forms/widgets/input.html",
    }
    assert "django/forms/widgets/select.html" not in rendered
    assert "django/forms/widgets/text.html" not in rendered


class PickSomeone(BootstrapForm, forms.Form):
    person = forms.ModelChoiceField(queryset=get_user_model().objects.order_by("username"), empty_label="Anyone")


def test_a_model_select_reads_its_choices_in_one_plain_query(caseworker, supervisor):
    with CaptureQueriesContext(connection) as queries:
        html = str(PickSomeone()["person"])

    assert len(queries) == 1
    assert queries[0]["sql"].startswith("SELECT")  # no server-side cursor: DECLARE, FETCH, CLOSE
    assert '<option value="" selected>Anyone</option>' in html
    assert f'<option value="{caseworker.pk}">{caseworker.username}</option>' in html
