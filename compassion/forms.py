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

from django import forms
from django.forms.boundfield import BoundField

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


class BootstrapForm:
    """Mixin for a form drawn by ``templates/forms/``."""

    bound_field_class = BootstrapBoundField
