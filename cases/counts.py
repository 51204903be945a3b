"""Counts that stay cheap however many cases the program has collected over the years.

A page that says how many rows match must not read a whole table to say it. ``capped_counts``
counts several querysets in one round trip, each at most up to a cap (reading at most
``cap + 1`` rows, through an index where one serves): above the cap the page says "1,000+".
"""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

CAP = 1000


class AtLeast(int):
    """A count that stopped at its cap: shown as "1,000+"; compares and adds as the cap + 1."""

    def __str__(self) -> str:
        return f"{int(self) - 1:,}+"


def figure(number: int, cap: int | None) -> int:
    """``number`` as counted up to ``cap`` (None: no cap): an ``AtLeast`` when the cap was reached."""
    return AtLeast(number) if cap is not None and number > cap else number


def capped_counts(
    querysets: dict[str, QuerySet],
    *,
    caps: dict[str, int | None] | None = None,
    in_order: dict[str, list[str]] | None = None,
) -> dict[str, int]:
    """How many rows each queryset has, in one query; each stops at its cap (``CAP`` unless ``caps`` says).

    ``caps[name] = None`` counts that one exactly: for sets bounded by the program's current
    work (open cases) rather than by its history. ``in_order[name]`` reads that one's rows in
    the order of an index (its fields): the first ``cap + 1`` rows through the index, where the
    planner, free to choose, may misjudge how many rows match and walk a whole table instead.
    """
    if not querysets:
        return {}
    sql, params, using = capped_counts_sql(querysets, caps=caps, in_order=in_order)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return figures(dict(zip(querysets, row, strict=True)), caps=caps)


def capped_counts_sql(
    querysets: dict[str, QuerySet],
    *,
    caps: dict[str, int | None] | None = None,
    in_order: dict[str, list[str]] | None = None,
) -> tuple[str, list, str]:
    """The SQL of ``capped_counts`` (one row, a column per queryset, named as it), its parameters and its database."""
    caps, in_order = caps or {}, in_order or {}
    parts, params, using = [], [], None
    for name, queryset in querysets.items():
        cap = caps.get(name, CAP)  # read here, so that a test may lower CAP
        inner = queryset.order_by(*in_order.get(name, [])).values("pk")
        if cap is not None:
            inner = inner[: cap + 1]
        using = using or inner.db
        column = connections[inner.db].ops.quote_name(name)
        try:
            sql, inner_params = inner.query.get_compiler(using=inner.db).as_sql()
        except EmptyResultSet:  # a filter that can match nothing, such as ``pk__in=[]``
            parts.append(f"0 AS {column}")
            continue
        # The SQL is the ORM's own, with placeholders; the values travel as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted) AS {column}")  # noqa: S608
        params.extend(inner_params)
    return "SELECT " + ", ".join(parts), params, using


def figures(row: dict[str, int], *, caps: dict[str, int | None] | None = None) -> dict[str, int]:
    """The counts of ``capped_counts_sql``'s row by name, each an ``AtLeast`` when it reached its cap."""
    caps = caps or {}
    return {name: figure(number, caps.get(name, CAP)) for name, number in row.items()}


def capped_count(queryset: QuerySet, cap: int | None = None) -> int:
    """How many rows, up to ``cap`` (``CAP`` by default; then an ``AtLeast``)."""
    return capped_counts({"n": queryset}, caps={"n": cap or CAP})["n"]


# Past this page the list answers with its last page: a page number is never read as a row count
# the database cannot hold.
MAX_PAGE = 100_000


class CappedPaginator(Paginator):
    """Pages whose total is counted only up to a cap: the first pages of a long list cost the same
    whatever its length. Above the cap, ``num_pages`` is a lower bound and ``capped`` is true
    (the page says "Page 1 of more than 40"). Rows are read with LIMIT/OFFSET on an index that
    has the list's order, so a page costs what lies before it, no more.
    """

    def __init__(self, object_list, per_page, *, page: object = 1, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        # Count far enough to know the page asked for exists, and at least up to ``cap``.
        try:
            asked = min(max(int(page), 1), MAX_PAGE)
        except (TypeError, ValueError):
            asked = 1
        self.cap = max(cap or CAP, asked * int(per_page))

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.cap)

    @property
    def capped(self) -> bool:
        return isinstance(self.count, AtLeast)

    @property
    def pages_label(self) -> str:
        """ "3", or "more than 40" when the count stopped at its cap."""
        if self.capped:
            return f"more than {(self.count - 1) // self.per_page:,}"
        return f"{self.num_pages:,}"
