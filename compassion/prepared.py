"""Prepared reads: a queryset built and compiled once per process, run with each call's values.

Django builds a queryset and compiles it to SQL on every call. For most reads that costs little.
For the portal's read of a participant's case (nine tables and eight subqueries, on every portal
page) it was most of the page: about 14,000 Python calls and 4 ms to build and compile, against
1.4 ms to run the SQL and make the model instances (bench/README.md has the page's figures with
and without). ``Prepared`` builds the queryset once from a function of named values, with
placeholder values, compiles it once per database, and each call runs that SQL with the call's
own values; Django's ``ModelIterable`` turns the rows into model instances, as the queryset would.

This is the one place where the app steps past the ORM's public API. It relies on:

- ``SQLCompiler.as_sql()`` returning the SQL and its parameters in order, and filling the
  compiler's ``select``, ``klass_info``, ``annotation_col_map`` and ``col_count``, which
  ``execute_sql()`` and ``results_iter()`` then read;
- ``ModelIterable`` reading only a queryset's ``db``, ``query.get_compiler()`` and
  ``_known_related_objects``.

``tests/compassion/test_prepared.py`` compares each prepared read with its plain queryset on
every database the suite runs on, and names the Django version this was checked against, so
that an upgrade looks here first. Keep its uses few: only where ``make bench`` shows it pays.
"""

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

# Placeholder values, one per kind, that a query's own values never are.
_PLACEHOLDERS: dict[type, list[Any]] = {
    int: [-7_340_011 - n for n in range(8)],
    date: [date(1001, 1, 1 + n) for n in range(8)],
    datetime: [datetime(1001, 2, 1 + n, 3, 4, 5, tzinfo=UTC) for n in range(8)],
}


class Prepared:
    """``Prepared(build, participant=int, today=date)``: ``build(participant=..., today=...)``
    returns the queryset (of at most one row, as for ``get``); ``.get(participant=7, today=...)``
    runs it with those values (others given are ignored). Each value is used by the query as a
    parameter (an id, a date, a moment), never to decide its shape: one ``Prepared`` per shape."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        self._build, self._kinds = build, kinds
        self._compiled: dict[tuple[str, str], tuple[Any, str, list, dict[int, str]]] = {}

    def get(self, *, using: str = "default", **values) -> Model:
        """The one row's instance, or the model's ``DoesNotExist``."""
        compiler, sql, params, slots = self._compile(using)
        connection = connections[using]
        params = list(params)
        for position, name in slots.items():
            params[position] = _adapt(connection, self._kinds[name], values[name])
        run = copy.copy(compiler)
        run.connection, run.using = connection, using  # this thread's connection
        run.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        rows = list(ModelIterable(_Compiled(run, using)))
        if not rows:
            raise compiler.query.model.DoesNotExist(f"No {compiler.query.model._meta.object_name} for {values}.")
        return rows[0]

    def queryset(self, **values) -> QuerySet:
        """The queryset itself for these values, built as the ORM builds it (to compare, or to read more)."""
        return self._build(**{name: values[name] for name in self._kinds})

    def _compile(self, using: str):
        connection = connections[using]
        key = (using, connection.vendor)
        if key not in self._compiled:
            counters = {kind: iter(_PLACEHOLDERS[kind]) for kind in set(self._kinds.values())}
            placeholders = {name: next(counters[kind]) for name, kind in self._kinds.items()}
            queryset = self._build(**placeholders)
            compiler = queryset.query.get_compiler(using)
            sql, params = compiler.as_sql()
            slots = {}
            for name, value in placeholders.items():
                adapted = _adapt(connection, self._kinds[name], value)
                found = [position for position, param in enumerate(params) if param == adapted]
                if not found:
                    raise ValueError(f"The prepared query does not use {name!r} as a parameter.")
                slots.update(dict.fromkeys(found, name))
            self._compiled[key] = (compiler, sql, params, slots)
        return self._compiled[key]


def _adapt(connection, kind: type, value):
    """The value as the compiled query's parameters hold it on this database."""
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is date:
        return connection.ops.adapt_datefield_value(value)
    return kind(value)


class _Compiled:
    """What ``ModelIterable`` reads of a queryset, with the compiler ready to run."""

    _known_related_objects: dict = {}

    def __init__(self, compiler, using: str) -> None:
        self.db = using
        self.query = self
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler
