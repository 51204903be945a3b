"""JSON bodies into the pages' forms: the API checks input exactly as the pages do.

A form expects text, as a browser sends it. JSON can hold numbers, lists and objects: numbers
become text, ``true``/``false`` stay for check boxes, and anything else in a field is refused
with the field's name, before the form sees it.
"""

from django import forms


def form_data(body, form_class: type[forms.BaseForm], **form_kwargs) -> tuple[dict, dict[str, list[str]]]:
    """The body as form data for ``form_class``, and the fields refused for their JSON type."""
    if not isinstance(body, dict):
        return {}, {"__all__": ['Send a JSON object, for example {"name": "..."}.']}
    fields = form_class(**form_kwargs).fields
    data: dict = {}
    refused: dict[str, list[str]] = {}
    for name, field in fields.items():
        if name not in body or body[name] is None:
            continue
        value = body[name]
        if isinstance(value, bool):
            if isinstance(field, forms.BooleanField):
                data[name] = value
            else:
                refused[name] = ["Give text here, not true or false."]
        elif isinstance(value, int | float):
            data[name] = str(value)
        elif isinstance(value, str):
            data[name] = value
        else:
            refused[name] = ["Give text here, not a list or an object."]
    unknown = sorted(set(body) - set(fields))
    if unknown:
        refused["__all__"] = [f"Unknown fields: {', '.join(map(str, unknown))[:300]}."]
    return data, refused
