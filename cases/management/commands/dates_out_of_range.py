"""List stored dates outside what the tables accept (``compassion.dates``), before a migration adds the checks."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.db.models import Q

from compassion.dates import STORED_EARLIEST, STORED_LATEST


def out_of_range() -> list[tuple[str, int, str, str]]:
    """Each stored date or date-time outside the range: (model, id, column, case reference or "").

    Only ids and references are read, never the dates themselves: a value past year 9999 in
    UTC cannot even be loaded into Python.
    """
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                earliest, latest = STORED_EARLIEST, STORED_LATEST
            elif isinstance(field, models.DateField):
                earliest, latest = STORED_EARLIEST.date(), STORED_LATEST.date()
            else:
                continue
            outside = Q(**{f"{field.name}__lt": earliest}) | Q(**{f"{field.name}__gte": latest})
            has_case = any(getattr(f, "name", "") == "case" for f in model._meta.concrete_fields)
            columns = ("pk", "case__reference") if has_case else ("pk",)
            for row in model._default_manager.filter(outside).values_list(*columns):
                found.append((model._meta.label, row[0], field.name, row[1] if has_case else ""))
    return found


class Command(BaseCommand):
    help = (
        "List every stored date outside the range the tables accept (from 1990 to 2199). "
        "Run it before migrating an older database: the rows it names need a new date, "
        "set by their caseworker, before the check constraints can be added. Exits with 1 when it finds any."
    )

    def handle(self, *args, **options) -> None:
        found = out_of_range()
        for label, pk, column, reference in found:
            self.stdout.write(f"{label} #{pk}: {column} out of range" + (f" (case {reference})" if reference else ""))
        if found:
            raise CommandError(f"{len(found)} stored date(s) out of range.")
        self.stdout.write("Every stored date is in range.")
