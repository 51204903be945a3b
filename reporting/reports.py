"""Reads for the supervisors' reports: how the program works across cases, over a date range.

Every figure is an aggregate computed by the database (grouped counts, sums and medians),
so the page runs the same number of queries for ten cases or a hundred thousand. Which
date puts a row in the range is said next to each figure:

- cases opened / completed: ``opened_at`` / ``completed_at``;
- completion rate: cases *opened* in the range; the rate counts only those that have ended
  (completed, withdrawn or closed), so recent cases still under way do not lower it;
- median days per step: steps that *ended* in the range, measured on the timeline from the
  event that started the step (the case's opening for step 1) to the one that ended it;
- withdrawals: the withdrawal event; role-swap hours: the shift's start; meetings: the time
  held (or, when skipped, the skip); check-ins: their due date.

Medians use ``PERCENTILE_CONT(0.5)`` on PostgreSQL. SQLite has no such aggregate: there a
window function (``ROW_NUMBER`` over the ordered values) picks the one or two middle rows per
group in the database, and Python averages those (at most two numbers per group).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import Aggregate, CharField, Count, F, FloatField, Func, IntegerField, Q, QuerySet, Subquery, Sum
from django.db.models import Case as SqlCase
from django.db.models.expressions import OuterRef, Value, When, Window
from django.db.models.functions import Cast, Trim, TruncMonth
from django.db.models.functions.window import RowNumber
from django.utils import timezone

from cases.models import Case, CaseEvent
from reconciliation.models import CheckIn, MeetingFormat, RestorativeMeeting, RoleSwapShift
from reconciliation.registry import REGISTRY

from .dashboard.scope import Scope

SECONDS_PER_DAY = 86400
DEFAULT_MONTHS = 12


# ---------------------------------------------------------------- database helpers


class SecondsBetween(Func):
    """Seconds from the second datetime to the first, as a float."""

    arity = 2
    output_field = FloatField()
    arg_joiner = " - "
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


def median_by(queryset: QuerySet, *, value: str, group: str | None = None) -> dict:
    """``{group value: (median of value, number of rows)}``; the key is None without ``group``."""
    if connections[queryset.db].vendor == "postgresql":
        if group is None:
            result = queryset.aggregate(median=Median(value), count=Count("pk"))
            return {None: (result["median"], result["count"])} if result["count"] else {}
        rows = queryset.values(group).annotate(median=Median(value), count=Count("pk")).order_by(group)
        return {row[group]: (row["median"], row["count"]) for row in rows}
    partition = [F(group)] if group else None
    middle = (
        queryset.annotate(
            _rank=Window(RowNumber(), partition_by=partition, order_by=[F(value).asc(), F("pk").asc()]),
            _count=Window(Count("pk"), partition_by=partition),
        )
        .filter(Q(_rank=(F("_count") + 1) / 2) | Q(_rank=(F("_count") + 2) / 2))
        .values(*([group] if group else []), value, "_count")
    )
    found: dict = {}
    for row in middle:
        values, count = found.setdefault(row[group] if group else None, ([], row["_count"]))
        values.append(row[value])
    return {key: (sum(values) / len(values), count) for key, (values, count) in found.items()}


def _month(value: datetime | date) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


# ---------------------------------------------------------------- the date range


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in PLI's time zone."""

    start: date
    end: date

    @classmethod
    def default(cls, today: date) -> "Period":
        """The last twelve calendar months, this one included."""
        first = today.replace(day=1)
        year, month = divmod(first.year * 12 + first.month - 1 - (DEFAULT_MONTHS - 1), 12)
        return cls(start=date(year, month + 1, 1), end=today)

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the range."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    def between(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.since, f"{name}__lt": self.until})


# ---------------------------------------------------------------- the figures


def cases_per_month(scope: Scope, period: Period) -> list[dict]:
    """Cases opened and completed in each month of the range (months without any show 0)."""
    cases = scope.cases()
    rows = {month: {"month": month, "opened": 0, "completed": 0} for month in period.months()}
    for name, date_field in (("opened", "opened_at"), ("completed", "completed_at")):
        counts = (
            cases.filter(period.between(date_field))
            .annotate(month=TruncMonth(date_field))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("month")
        )
        for row in counts:
            rows.setdefault(_month(row["month"]), {"month": _month(row["month"]), "opened": 0, "completed": 0})
            rows[_month(row["month"])][name] = row["count"]
    return sorted(rows.values(), key=lambda row: row["month"])


def completion(scope: Scope, period: Period) -> dict:
    """What became of the cases opened in the range, and the completion rate of those that ended."""
    not_completed = Q(completed_at__isnull=True)
    figures = (
        scope.cases()
        .filter(period.between("opened_at"))
        .aggregate(
            opened=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            withdrawn=Count("pk", filter=not_completed & Q(status=Case.Status.WITHDRAWN)),
            closed=Count("pk", filter=not_completed & Q(status=Case.Status.CLOSED)),
            active=Count("pk", filter=Q(status__in=Case.ACTIVE_STATUSES)),
        )
    )
    ended = figures["completed"] + figures["withdrawn"] + figures["closed"]
    figures["ended"] = ended
    figures["rate"] = round(100 * figures["completed"] / ended, 1) if ended else None
    completed = (
        scope.cases()
        .filter(period.between("completed_at"))
        .annotate(seconds=SecondsBetween(F("completed_at"), F("opened_at")))
    )
    median = median_by(completed, value="seconds").get(None)
    figures["median_days_to_complete"] = round(median[0] / SECONDS_PER_DAY, 1) if median else None
    return figures


def step_durations(scope: Scope, period: Period) -> QuerySet[CaseEvent]:
    """One row per step that ended in the range: its ``step`` and how many ``seconds`` it took.

    A step ends with the timeline's "step" event leaving it (``from_value``) or, for step 5,
    with the case's completion; it began with the "step" event that entered it, or, for
    step 1, with the case's opening.
    """
    ended = (
        scope.filter(CaseEvent.objects.all())
        .filter(period.between("created_at"))
        .filter(
            Q(kind=CaseEvent.Kind.STEP, to_value__in=["2", "3", "4", "5"])
            | Q(kind=CaseEvent.Kind.STATUS, to_value=Case.Status.COMPLETED)
        )
        .annotate(
            step_text=SqlCase(
                When(kind=CaseEvent.Kind.STATUS, then=Value("5")), default=F("from_value"), output_field=CharField()
            )
        )
    )
    entered = (
        CaseEvent.objects.filter(
            case=OuterRef("case"),
            kind=CaseEvent.Kind.STEP,
            to_value=OuterRef("step_text"),
            created_at__lte=OuterRef("created_at"),
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return (
        ended.annotate(
            began=SqlCase(When(step_text="1", then=F("case__opened_at")), default=Subquery(entered)),
            step=Cast("step_text", IntegerField()),
        )
        .filter(began__isnull=False)
        .annotate(seconds=SecondsBetween(F("created_at"), F("began")))
    )


def median_days_per_step(scope: Scope, period: Period) -> list[dict]:
    """For each step: the median number of days it took, and over how many cases."""
    medians = median_by(step_durations(scope, period), value="seconds", group="step")
    rows = []
    for step, label in REGISTRY.choices():
        median, count = medians.get(step, (None, 0))
        rows.append(
            {
                "step": step,
                "label": label,
                "median_days": round(median / SECONDS_PER_DAY, 1) if median is not None else None,
                "count": count,
            }
        )
    return rows


def withdrawals(scope: Scope, period: Period, *, reasons: int = 10) -> dict:
    """Withdrawals in the range: at which step, and the reasons given most often (as written)."""
    events = scope.filter(CaseEvent.objects.all()).filter(
        period.between("created_at"), kind=CaseEvent.Kind.STATUS, to_value=Case.Status.WITHDRAWN
    )
    by_step = dict(events.values_list("case__step").annotate(count=Count("pk")).order_by("case__step"))
    # A withdrawn case that was closed afterwards holds its closing reason, no longer the withdrawal's.
    reason = SqlCase(
        When(case__status=Case.Status.WITHDRAWN, then=Trim("case__status_reason")),
        default=Value(""),
        output_field=CharField(),
    )
    top = (
        events.annotate(reason=reason)
        .values("reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "reason")[:reasons]
    )
    return {
        "total": sum(by_step.values()),
        "by_step": [
            {"step": step, "label": label, "count": by_step.get(step, 0)} for step, label in REGISTRY.choices()
        ],
        "reasons": [{"reason": row["reason"] or "(closed since; see the case)", "count": row["count"]} for row in top],
    }


def role_swap(scope: Scope, period: Period) -> dict:
    """Shifts that started in the range: hours worked per month, and how the shifts went."""
    shifts = scope.filter(RoleSwapShift.objects.all()).filter(period.between("starts_at"))
    attended = Q(state=RoleSwapShift.State.ATTENDED)
    totals = shifts.aggregate(
        attended=Count("pk", filter=attended),
        no_show=Count("pk", filter=Q(state=RoleSwapShift.State.NO_SHOW)),
        declined=Count("pk", filter=Q(state=RoleSwapShift.State.DECLINED)),
        cancelled=Count("pk", filter=Q(state=RoleSwapShift.State.CANCELLED)),
        minutes=Sum("minutes_attended", filter=attended),
        customers=Count("case", filter=attended, distinct=True),
    )
    showed_up = totals["attended"] + totals["no_show"]
    totals["hours"] = round((totals.pop("minutes") or 0) / 60, 2)
    totals["attendance_rate"] = round(100 * totals["attended"] / showed_up, 1) if showed_up else None
    hours = {month: 0.0 for month in period.months()}
    per_month = (
        shifts.filter(attended)
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(minutes=Sum("minutes_attended"))
        .order_by("month")
    )
    for row in per_month:
        hours[_month(row["month"])] = round((row["minutes"] or 0) / 60, 2)
    totals["per_month"] = [{"month": month, "hours": value} for month, value in sorted(hours.items())]
    return totals


def meeting_outcomes(scope: Scope, period: Period) -> dict:
    """Meetings held in the range (by when they were held) with what was expressed, and meetings skipped."""
    held = Q(state=RestorativeMeeting.State.HELD) & period.between("scheduled_at")
    skipped = Q(state=RestorativeMeeting.State.SKIPPED) & period.between("updated_at")
    counts = {
        "held": Count("pk", filter=held),
        "skipped": Count("pk", filter=skipped),
        "gratitude": Count("pk", filter=held & Q(gratitude_expressed=True)),
        "acknowledgment": Count("pk", filter=held & Q(acknowledgment_expressed=True)),
        "ownership": Count("pk", filter=held & Q(ownership_expressed=True)),
        "all_three": Count(
            "pk", filter=held & Q(gratitude_expressed=True, acknowledgment_expressed=True, ownership_expressed=True)
        ),
    }
    counts.update({f"format_{value}": Count("pk", filter=held & Q(format=value)) for value in MeetingFormat.values})
    figures = scope.filter(RestorativeMeeting.objects.all()).aggregate(**counts)
    figures["formats"] = [
        {"label": label, "count": figures[f"format_{value}"]} for value, label in MeetingFormat.choices
    ]
    return figures


def checkin_results(scope: Scope, period: Period, *, today: date) -> list[dict]:
    """Check-ins due in the range, per interval (30, 90, 180 days): done, missed, overdue, still to come."""
    due = Q(state=CheckIn.State.DUE)
    rows = (
        scope.filter(CheckIn.objects.all())
        .filter(due_on__gte=period.start, due_on__lte=period.end)
        .values("days_after")
        .annotate(
            done=Count("pk", filter=Q(state=CheckIn.State.DONE)),
            missed=Count("pk", filter=Q(state=CheckIn.State.MISSED)),
            overdue=Count("pk", filter=due & Q(due_on__lt=today)),
            upcoming=Count("pk", filter=due & Q(due_on__gte=today)),
        )
        .order_by("days_after")
    )
    results = []
    for row in rows:
        reached_or_not = row["done"] + row["missed"] + row["overdue"]
        row["rate"] = round(100 * row["done"] / reached_or_not, 1) if reached_or_not else None
        results.append(row)
    return results


# ---------------------------------------------------------------- the page


@dataclass
class Report:
    period: Period
    months: list[dict]
    completion: dict
    steps: list[dict]
    withdrawals: dict
    role_swap: dict
    meetings: dict
    checkins: list[dict]
    chart_data: dict = field(default_factory=dict)


def report(scope: Scope, period: Period, *, today: date) -> Report:
    """Every figure of the reports page for the cases in ``scope`` over ``period``."""
    result = Report(
        period=period,
        months=cases_per_month(scope, period),
        completion=completion(scope, period),
        steps=median_days_per_step(scope, period),
        withdrawals=withdrawals(scope, period),
        role_swap=role_swap(scope, period),
        meetings=meeting_outcomes(scope, period),
        checkins=checkin_results(scope, period, today=today),
    )
    result.chart_data = chart_data(result)
    return result


def chart_data(result: Report) -> dict:
    """What static/js/reports.js draws, as plain lists (the page's tables show the same numbers)."""
    month_labels = [f"{row['month']:%b %Y}" for row in result.months]
    return {
        "months": {
            "labels": month_labels,
            "opened": [row["opened"] for row in result.months],
            "completed": [row["completed"] for row in result.months],
        },
        "steps": {
            "labels": [f"{row['step']}. {row['label']}" for row in result.steps],
            "median_days": [row["median_days"] for row in result.steps],
        },
        "withdrawals": {
            "labels": [f"{row['step']}. {row['label']}" for row in result.withdrawals["by_step"]],
            "counts": [row["count"] for row in result.withdrawals["by_step"]],
        },
        "hours": {
            "labels": [f"{row['month']:%b %Y}" for row in result.role_swap["per_month"]],
            "hours": [row["hours"] for row in result.role_swap["per_month"]],
        },
        "meetings": {
            "labels": ["Gratitude", "Acknowledgment", "Ownership", "All three"],
            "counts": [result.meetings[key] for key in ("gratitude", "acknowledgment", "ownership", "all_three")],
            "held": result.meetings["held"],
        },
        "checkins": {
            "labels": [f"{row['days_after']} days" for row in result.checkins],
            "done": [row["done"] for row in result.checkins],
            "missed": [row["missed"] for row in result.checkins],
            "overdue": [row["overdue"] for row in result.checkins],
            "upcoming": [row["upcoming"] for row in result.checkins],
        },
    }
