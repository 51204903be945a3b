"""Prepared reads: a queryset built and compiled once per process, run with each call's values.

Django builds a queryset and compiles it to SQL on every call. For most reads that costs little.
For a read of many tables and subqueries asked on every request it is most of the page: the
portal's read of a participant's case (nine tables, eight subqueries) took about 14,000 Python
calls and 4 ms to build and compile, against 1.4 ms to run the SQL and make the instances; the
dashboard's "needs action" tiles, seven such reads, about a fifth of the page's Python calls
(``make bench`` measures the pages). ``Prepared`` builds the queryset from a function of named values, with
placeholder values, compiles it once per database, and each call runs that SQL with the call's
own values; the queryset's own iterable (``ModelIterable``, ``ValuesIterable`` ...) turns the
rows into what the queryset would give. ``PreparedSQL`` does the same for a statement the app
writes around the ORM's own SQL (the dashboard's figures, thirteen counts in one statement; its
agenda and lists, each two querysets read in one), giving its rows as dicts.

Where they are used: the portal's read of a case (``portal/selectors.py``), the case page's read
of its case (``cases/selectors.py``), and on the dashboard the tiles, the figures, the agenda,
the check-ins and tasks, and the supervisor's case loads (``reporting/dashboard/``): together
they took the dashboard from about 106,000 Python calls a request to 49,000.

This is the one place where the app steps past the ORM's public API. It relies on:

- ``SQLCompiler.as_sql()`` returning the SQL and its parameters in order, and filling the
  compiler's ``select``, ``klass_info``, ``annotation_col_map`` and ``col_count``, which
  ``execute_sql()`` and ``results_iter()`` then read;
- the iterables reading only a queryset's ``db``, ``query`` (and its ``get_compiler()``) and
  ``_known_related_objects``.

``tests/compassion/test_prepared.py`` and the tests of each use compare the prepared reads with
their plain querysets (or statements built afresh) on the database the suite runs on, and a test
names the Django version this was checked against, so that an upgrade looks here first. Keep its
uses few: only where ``make bench`` shows that they pay.
"""

import copy
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet

# Two sets of placeholder values, one value per name and kind, that a query's own values never are.
_PLACEHOLDERS: tuple[dict[type, list[Any]], ...] = tuple(
    {
        int: [-7_340_011 - 100 * round_ - n for n in range(20)],
        str: [f"~prepared {round_}.{n}~" for n in range(20)],
        date: [date(1001 + round_, 1, 1 + n) for n in range(20)],
        datetime: [datetime(1001 + round_, 2, 1 + n, 3, 4, 5, tzinfo=UTC) for n in range(20)],
    }
    for round_ in (0, 1)
)


class Prepared:
    """``Prepared(build, case=int, today=date)``: ``build(case=..., today=...)`` returns the
    queryset; ``.rows(case=7, today=...)`` runs it with those values and gives what the queryset
    would (instances, or dicts after ``values()``); ``.get(...)`` its one instance.

    Each value must reach the query as a parameter of its own (an id, a text, a date, a moment): a value
    that decides the query's shape, or one computed from a value inside ``build`` (``now`` minus
    14 days), is refused when the query is prepared; pass such a value as a name of its own, or
    prepare one ``Prepared`` per shape. A name the query does not use is ignored.
    """

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        self._build, self._kinds = build, kinds
        self._compiled: dict[tuple[str, str], tuple[QuerySet, Any, str, tuple, dict[int, str]]] = {}

    def queryset(self, **values) -> QuerySet:
        """The queryset itself for these values, built as the ORM builds it (to compare, or to read more)."""
        return self._build(**{name: values[name] for name in self._kinds})

    def rows(self, *, using: str = "default", **values) -> list:
        queryset, compiler, sql, params, slots = self._compile(using)
        connection = connections[using]
        params = _bound(connection, self._kinds, params, slots, values)
        run = copy.copy(compiler)
        run.connection, run.using = connection, using  # this thread's connection
        run.as_sql = lambda *args, **kwargs: (sql, params)
        query = copy.copy(compiler.query)
        query.get_compiler = lambda *args, **kwargs: run
        return list(queryset._iterable_class(_Ready(query, using)))

    def get(self, *, using: str = "default", **values) -> Model:
        """The one row's instance, or the model's ``DoesNotExist``."""
        rows = self.rows(using=using, **values)
        if not rows:
            model = self._compile(using)[0].model
            raise model.DoesNotExist(f"No {model._meta.object_name} for {values}.")
        return rows[0]

    def _compile(self, using: str):
        connection = connections[using]
        key = (using, connection.vendor)
        if key not in self._compiled:

            def compile_with(chosen: dict[str, Any]):
                queryset = self._build(**chosen)
                compiler = queryset.query.get_compiler(using)
                sql, params = compiler.as_sql()
                return (queryset, compiler), sql, params

            (queryset, compiler), sql, params, slots = _prepare(compile_with, self._kinds, connection)
            self._compiled[key] = (queryset, compiler, sql, params, slots)
        return self._compiled[key]


class PreparedSQL:
    """``PreparedSQL(build, case=int, ...)``, for a statement the app writes around the ORM's own SQL
    (several querysets read or counted in one statement): ``build(shape=..., **values)`` returns the
    statement and its parameters, ``.rows(shape=..., **values)`` runs it with these values and gives
    its rows as dicts by column name.

    The values are checked as ``Prepared`` checks them. ``shape`` is what decides the statement's
    form (a limit, a cap, a setting it reads): one statement is compiled per shape.
    """

    def __init__(self, build: Callable[..., tuple[str, Sequence]], **kinds: type) -> None:
        self._build, self._kinds = build, kinds
        self._compiled: dict[tuple[str, str, Hashable], tuple[str, tuple, dict[int, str]]] = {}

    def built_rows(self, *, shape: Hashable = None, using: str = "default", **values) -> list[dict]:
        """The rows of the statement built afresh for these values, as without preparing (to compare)."""
        sql, params = self._build(shape=shape, **{name: values[name] for name in self._kinds})
        return _fetch(connections[using], sql, params)

    def rows(self, *, shape: Hashable = None, using: str = "default", **values) -> list[dict]:
        connection = connections[using]
        key = (using, connection.vendor, shape)
        if key not in self._compiled:

            def compile_with(chosen: dict[str, Any]):
                sql, params = self._build(shape=shape, **chosen)
                return None, sql, params

            _nothing, sql, params, slots = _prepare(compile_with, self._kinds, connection)
            self._compiled[key] = (sql, params, slots)
        sql, params, slots = self._compiled[key]
        return _fetch(connection, sql, _bound(connection, self._kinds, params, slots, values))


def _fetch(connection, sql: str, params: Sequence) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _prepare(compile_with: Callable, kinds: dict[str, type], connection):
    """Compile with each set of placeholder values (``compile_with(values)`` gives what it made, the
    SQL and its parameters); find where each value goes. Returns what the first compilation made,
    its SQL and parameters, and the slots: parameter position -> value name."""
    compiled = []
    for placeholders in _PLACEHOLDERS:
        counters = {kind: iter(values) for kind, values in placeholders.items()}
        chosen = {name: next(counters[kind]) for name, kind in kinds.items()}
        made, sql, params = compile_with(chosen)
        adapted = {name: _adapt(connection, kinds[name], value) for name, value in chosen.items()}
        compiled.append((made, sql, tuple(params), adapted))
    (made, sql, params, values), (_made, other_sql, other_params, other_values) = compiled
    if sql != other_sql or len(params) != len(other_params):
        raise ValueError("A value decides the prepared query's shape: prepare one per shape.")
    slots = {}
    for position, (param, other) in enumerate(zip(params, other_params, strict=True)):
        names = [name for name, value in values.items() if value == param and other_values[name] == other]
        if names:
            slots[position] = names[0]
        elif param != other:
            raise ValueError("A parameter of the prepared query is computed from a value: pass it as one.")
    return made, sql, params, slots


def _bound(connection, kinds: dict[str, type], params: tuple, slots: dict[int, str], values: dict) -> tuple:
    """The compiled parameters with each call's values in their slots."""
    params = list(params)
    for position, name in slots.items():
        params[position] = _adapt(connection, kinds[name], values[name])
    return tuple(params)


def _adapt(connection, kind: type, value):
    """The value as the compiled query's parameters hold it on this database."""
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is date:
        return connection.ops.adapt_datefield_value(value)
    return kind(value)


class _Ready:
    """What a queryset's iterable reads of it: its database, its query (whose compiler is ready to
    run) and the related objects it already knows (none)."""

    _known_related_objects: dict = {}

    def __init__(self, query, using: str) -> None:
        self.db, self.query = using, query
