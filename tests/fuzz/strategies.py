"""What a careless, malicious or unlucky person may type into a form, as hypothesis strategies.

``form_data(forms)`` draws a value for every field of Django forms (with their prefixes):
sometimes something the field would accept (a real choice, a row of the database, a date
near today), more often text it will not: unicode from every plane, control characters,
NUL, right-to-left marks, markup and SQL, numbers too big for anything, a megabyte of one
character, nothing at all; and sometimes the field is left out, or an unknown one is added.
"""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from hypothesis import strategies as st

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\t\r\n",
        "\x00",
        "nul\x00inside",
        "\x1b[31mred",
        "\u200b",
        "\u202eevil\u202c",
        "\ufeff",
        "😀🙏🏽",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "Ñandú café naïve",
        "שלום",
        "مرحبا",
        "中文字符",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "{{ 7|add:7 }}{% now 'Y' %}",
        "'; DROP TABLE cases_case; --",
        "%s%s%n%x",
        "../../../../etc/passwd",
        "javascript:alert(1)",
        "-1",
        "0",
        "1.5",
        "-0.0",
        "99999999999999999999999999",
        "1e309",
        "NaN",
        "Infinity",
        "2026-02-30",
        "9999-12-31T23:59",
        "0001-01-01T00:00",
        "1970-01-01",
        "on",
        "true",
        "None",
        "null",
        "[]",
    ]
)
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=120)
CONTROL = st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=20)
HUGE = st.builds(
    lambda char, times: char * times,
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    st.sampled_from([2_001, 10_001, 100_001, 700_000]),
)
NONSENSE = st.one_of(NASTY, ANY_TEXT, CONTROL, HUGE)


# Dates at and past the edges of what the app accepts (compassion/dates.py), and of what Python can hold.
FAR_MOMENTS = st.sampled_from(
    ["9999-12-31T22:00", "9999-12-31T23:59", "0001-01-01T00:00", "1999-12-31T23:59", "2000-01-01T00:00",
     "2099-12-31T23:59", "2200-01-01T00:00"]
)
FAR_DAYS = st.sampled_from(["9999-12-31", "0001-01-01", "1999-12-31", "2000-01-01", "2199-12-31", "2200-01-01"])


def _moments() -> st.SearchStrategy[str]:
    now = timezone.localtime().replace(second=0, microsecond=0)
    near = st.integers(-24 * 90, 24 * 90).map(lambda hours: (now + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"))
    edge = st.integers(-1, 1).map(
        lambda minutes: (now + timedelta(days=730, minutes=minutes)).strftime("%Y-%m-%dT%H:%M")
    )
    return st.one_of(near, near, edge, FAR_MOMENTS)


def _days() -> st.SearchStrategy[str]:
    today = timezone.localdate()
    return st.one_of(st.integers(-400, 400).map(lambda days: (today + timedelta(days=days)).isoformat()), FAR_DAYS)


def plausible(field: forms.Field) -> st.SearchStrategy[str]:
    """A value the field might accept."""
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.model._default_manager.values_list("pk", flat=True)[:200]]
        return st.sampled_from(pks or [""])
    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _label in field.choices if not isinstance(_label, (list, tuple))]
        return st.sampled_from(values or [""])
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false"])
    if isinstance(field, forms.DateTimeField):
        return _moments()
    if isinstance(field, forms.DateField):
        return _days()
    if isinstance(field, (forms.DecimalField, forms.IntegerField, forms.FloatField)):
        return st.one_of(
            st.integers(-5, 50).map(str),
            st.decimals(Decimal("-100"), Decimal("1000"), places=1, allow_nan=False).map(str),
        )
    if isinstance(field, forms.EmailField):
        return st.emails().map(str)
    if isinstance(field, forms.URLField):
        return st.sampled_from(["https://video.example/clip", "http://a.example", "ftp://x.example", "data:,x"])
    limit = getattr(field, "max_length", None) or 200
    return st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=min(limit, 300))


def value_for(field: forms.Field) -> st.SearchStrategy[str | None]:
    """Often plausible, often nonsense, sometimes left out (None)."""
    return st.one_of(plausible(field), plausible(field), NONSENSE, st.none())


@st.composite
def form_data(draw, form_list: list[forms.BaseForm | forms.BaseFormSet]) -> dict[str, str]:
    """A POST (or query string) for these forms: a value, or nothing, for each of their fields."""
    data: dict[str, str] = {}
    for form in form_list:
        if isinstance(form, forms.BaseFormSet):
            management = form.management_form
            for name in management.fields:
                value = draw(st.one_of(st.integers(0, 4).map(str), NONSENSE, st.none()))
                if value is not None:
                    data[management.add_prefix(name)] = value
            members = list(form.forms) or [form.empty_form]
        else:
            members = [form]
        for member in members:
            for name, field in member.fields.items():
                value = draw(value_for(field))
                if value is not None:
                    data[member.add_prefix(name)] = value
    if draw(st.booleans()):
        data[draw(st.sampled_from(["extra", "csrfmiddlewaretoken", "id", "pk", "case", "__all__"]))] = draw(NONSENSE)
    return data
