"""Bootstrap 5 forms at the cost of Django's own form rendering, for the pages used all day.

crispy-forms draws most of the app's forms. The forms on the pages caseworkers open all day
(the case list's filters, the step panels and reassignment on the case page) are drawn by
``templates/forms/`` instead, with the same markup: crispy works out each field's markup in
its templates at about half a millisecond a field, which the case page paid for its fifteen
to twenty fields (``make bench``).

A form opts in with ``BootstrapForm``: each widget then carries its Bootstrap class (with
``is-invalid`` when the field has errors). A template draws it with
``{% include "forms/fields.html" with form=… %}``, or one field with
``{% include "forms/field.html" %}``.
"""

from collections.abc import Callable

from django import forms
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

CHECKS = (forms.CheckboxInput, forms.RadioSelect)  # CheckboxSelectMultiple is a RadioSelect


def widget_class(widget: forms.Widget) -> str:
    """The Bootstrap class of a widget, as crispy-forms gives it."""
    if isinstance(widget, CHECKS):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden:
            classes = [widget.attrs.get("class", ""), attrs.get("class", ""), widget_class(widget)]
            if self.errors:
                classes.append("is-invalid")
            attrs["class"] = " ".join(name for name in classes if name)
        return attrs

    @property
    def is_check(self) -> bool:
        """A single checkbox: drawn after its input, as Bootstrap's form-check."""
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def is_choice_list(self) -> bool:
        """Radio buttons or checkboxes, one per choice."""
        return isinstance(self.field.widget, forms.RadioSelect)


# ---------------------------------------------------------------- widgets drawn in Python
#
# Django draws a widget from a template: a select through one template for itself, one for each
# option and one for each element's attributes, about 40 µs a template. These functions write
# the same HTML as Django's templates of the commonest widgets (a test compares them), for a
# tenth of the cost. Any other template, and a widget whose options have templates of their
# own, is drawn by Django as usual.

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"


def _attrs(attrs: dict) -> SafeString:
    """``attrs.html``: each attribute but a False one; a True one by its name alone."""
    return mark_safe(  # noqa: S308 - each part is escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def _input(widget: dict) -> SafeString:
    value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget["attrs"])
    )


def _textarea(widget: dict) -> SafeString:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs(widget["attrs"]), widget["value"] or ""
    )


def _select(widget: dict) -> SafeString | None:
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n', option["value"], _attrs(option["attrs"]), option["label"]
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        _attrs(widget["attrs"]),
        mark_safe("".join(parts)),  # noqa: S308 - each part is escaped by format_html
    )


INPUT_TYPES = ("text", "email", "number", "password", "url", "date", "datetime", "time", "hidden", "search", "tel")
DRAWN: dict[str, Callable[[dict], SafeString | None]] = {
    **{f"{WIDGETS}{kind}.html": _input for kind in INPUT_TYPES},
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


class PythonWidgets(DjangoTemplates):
    """Django's form renderer, drawing the widgets of ``DRAWN`` without their templates."""

    def render(self, template_name, context, request=None):
        draw = DRAWN.get(template_name)
        html = draw(context["widget"]) if draw else None
        return html if html is not None else super().render(template_name, context, request)


class ChoicesReadAtOnce(ModelChoiceIterator):
    """A model choice field's choices read with one plain query.

    Django reads them with ``queryset.iterator()``, which on PostgreSQL opens a server-side
    cursor: three round trips (declare, fetch, close) and a copy of the rows kept past the
    transaction, about 1.5 ms for the handful of staff of the caseworker select.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class BootstrapForm:
    """Mixin for a form drawn by ``templates/forms/``."""

    bound_field_class = BootstrapBoundField
    default_renderer = PythonWidgets()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # django-filter's own iterator adds a "null" choice when asked to: left as it is.
            if isinstance(field, forms.ModelChoiceField) and not getattr(field, "null_label", None):
                field.iterator = ChoicesReadAtOnce
                field.widget.choices = field.choices
