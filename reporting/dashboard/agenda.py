"""The coming days on the dashboard: the shifts and meetings of the agenda, and the check-ins due."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, QuerySet, Window

from cases import counts as capped
from cases.models import Case
from reconciliation.models import CheckIn, MeetingFormat, RestorativeMeeting, RoleSwapShift

from .scope import DateLabels, Moment, Scope

# Shifts that still hold their slot and have not happened yet.
UPCOMING_SHIFT_STATES = (
    RoleSwapShift.State.PROPOSED,
    RoleSwapShift.State.CONFIRMED,
    RoleSwapShift.State.COUNTER_PROPOSED,
)
# Labels by value (translated when shown): a dict is cheaper to ask than the choices' enum.
SHIFT_STATES = dict(RoleSwapShift.State.choices)
MEETING_STATES = dict(RestorativeMeeting.State.choices)
MEETING_FORMATS = dict(MeetingFormat.choices)


# ---------------------------------------------------------------- what the coming days hold


def upcoming_shifts(scope: Scope, moment: Moment) -> QuerySet[RoleSwapShift]:
    """Shifts starting in the next ``UPCOMING_DAYS`` days that have not been declined or cancelled."""
    return (
        scope.filter(RoleSwapShift.objects.all())
        .filter(
            state__in=UPCOMING_SHIFT_STATES,
            case__status=Case.Status.OPEN,
            starts_at__gte=moment.now,
            starts_at__lt=moment.week_ahead,
        )
        .order_by("starts_at", "pk")
    )


def upcoming_meetings(scope: Scope, moment: Moment) -> QuerySet[RestorativeMeeting]:
    """Restorative meetings scheduled in the next ``UPCOMING_DAYS`` days."""
    return (
        scope.filter(RestorativeMeeting.objects.all())
        .filter(
            state=RestorativeMeeting.State.SCHEDULED,
            case__status=Case.Status.OPEN,
            scheduled_at__gte=moment.now,
            scheduled_at__lt=moment.week_ahead,
        )
        .order_by("scheduled_at", "pk")
    )


def checkins_due(scope: Scope, moment: Moment) -> QuerySet[CheckIn]:
    """Check-ins not yet recorded that are overdue or due in the next ``UPCOMING_DAYS`` days."""
    return (
        scope.filter(CheckIn.objects.all())
        .filter(state=CheckIn.State.DUE, due_on__lte=moment.checkins_until)
        .exclude(case__status=Case.Status.WITHDRAWN)
        .order_by("due_on", "pk")
    )


def checkins_list(scope: Scope, moment: Moment, *, limit: int) -> list[dict]:
    """The first ``limit`` check-ins due, the most overdue first: reference, days after, due date
    (and as the page writes it) and whether it is overdue.
    """
    rows = checkins_due(scope, moment).values("days_after", "due_on", reference=F("case__reference"))[:limit]
    labels = DateLabels()
    return [
        {**row, "due_label": labels.day(row["due_on"], "M j"), "overdue": row["due_on"] < moment.today} for row in rows
    ]


# ---------------------------------------------------------------- the agenda


def agenda_rows(scope: Scope, moment: Moment) -> dict[str, QuerySet]:
    """The upcoming shifts and the upcoming meetings, soonest first, as agenda rows; each row has
    the number of its kind (``total``, a window count).
    """
    total = Window(Count("pk"))
    return {
        "shift": upcoming_shifts(scope, moment).values(
            item=F("pk"),
            when=F("starts_at"),
            ends=F("ends_at"),
            item_state=F("state"),
            reference=F("case__reference"),
            place=F("business__name"),
            total=total,
        ),
        "meeting": upcoming_meetings(scope, moment).values(
            item=F("pk"),
            when=F("scheduled_at"),
            ends=F("scheduled_at"),
            item_state=F("state"),
            reference=F("case__reference"),
            item_format=F("format"),
            total=total,
        ),
    }


def agenda(scope: Scope, moment: Moment, *, limit: int) -> tuple[list["AgendaItem"], dict[str, int]]:
    """The next ``limit`` shifts and meetings of the coming days, soonest first, and how many
    shifts and meetings there are (``shift`` and ``meeting``).

    A query a kind, each reading its first ``limit`` rows in its own order: SQLite allows no
    ORDER BY or LIMIT inside a UNION, so the ORM cannot read both in one.
    """
    labels = DateLabels()
    items, totals = [], {}
    for kind, queryset in agenda_rows(scope, moment).items():
        rows = list(queryset[:limit])
        totals[kind] = capped.figure(min(rows[0]["total"] if rows else 0, capped.CAP + 1), capped.CAP)
        for row in rows:
            del row["total"]
            items.append(
                AgendaItem(kind=kind, **row, when_label=labels.moment(row["when"]), ends_label=labels.time(row["ends"]))
            )
    items.sort(key=lambda item: (item.when, item.kind, item.item))
    return items[:limit], totals


@dataclass(frozen=True)
class AgendaItem:
    """A shift or a meeting on the agenda."""

    kind: str
    item: int
    when: datetime
    ends: datetime
    item_state: str
    reference: str
    when_label: str  # as the page writes them
    ends_label: str
    place: str = ""  # a shift's
    item_format: str = ""  # a meeting's

    @property
    def is_shift(self) -> bool:
        return self.kind == "shift"

    @property
    def state_label(self) -> str:
        return str((SHIFT_STATES if self.is_shift else MEETING_STATES)[self.item_state])

    @property
    def format_label(self) -> str:
        return str(MEETING_FORMATS[self.item_format]).lower() if self.item_format else ""
