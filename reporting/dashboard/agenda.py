"""The coming days on the dashboard: the shifts and meetings of the agenda, the check-ins due, and
the staff's tasks (overdue, today, the coming days)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, Window
from django.urls import reverse
from django.utils import timezone

from cases import counts as capped
from cases.models import Case
from casework.models import Task
from compassion.prepared import PreparedSQL
from reconciliation.models import CheckIn, MeetingFormat, RestorativeMeeting, RoleSwapShift

from .scope import CaseLinks, DateLabels, Moment, Scope, prepared_per_scope, scoped_values

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
    """Check-ins not yet recorded that are overdue or due in the next ``UPCOMING_DAYS`` days.

    Those of withdrawn cases are left out by asking the withdrawn cases' own index (``case_withdrawn``)
    whether it holds their case: the figures count the first thousand check-ins, and looking each
    one's case up in the cases' table (its status) costs more than the rest of the count.
    """
    withdrawn = Case.objects.filter(pk=OuterRef("case_id"), status=Case.Status.WITHDRAWN)
    return scope.filter(
        CheckIn.objects.filter(~Exists(withdrawn), state=CheckIn.State.DUE, due_on__lte=moment.checkins_until)
    ).order_by("due_on", "pk")


def checkins_list(scope: Scope, moment: Moment, *, limit: int) -> list[dict]:
    """The first ``limit`` check-ins due, the most overdue first: reference, days after, due date
    (and as the page writes it) and whether it is overdue.
    """
    rows = checkins_due(scope, moment).values("days_after", "due_on", reference=F("case__reference"))[:limit]
    labels, links = DateLabels(), CaseLinks()
    return [
        {
            **row,
            "url": links(row["reference"]),
            "due_label": labels.day(row["due_on"], "M j"),
            "overdue": row["due_on"] < moment.today,
        }
        for row in rows
    ]


# ---------------------------------------------------------------- the tasks


def tasks_due(scope: Scope, moment: Moment, *, owner_must_hold_case: bool) -> QuerySet[Task]:
    """Open tasks overdue or due in the coming days on cases not ended: the scope's caseworker's
    own (and, for a caseworker, on their own cases: the ones they can open), or everybody's."""
    tasks = Task.objects.filter(done_at__isnull=True, due_on__lte=moment.checkins_until).exclude(
        case__status__in=Case.ENDED_STATUSES
    )
    if scope.caseworker_id is not None:
        tasks = tasks.filter(owner_id=scope.caseworker_id)
        if owner_must_hold_case:
            tasks = tasks.filter(Q(case__caseworker_id=scope.caseworker_id))
    return tasks.order_by("due_on", "id")


# The columns both lists are read with (``checkins_and_tasks``): the same, so that one statement reads both.
_NO_TEXT = Value("")
_NO_NUMBER = Value(0, output_field=IntegerField())


def checkins_and_tasks_rows(scope: Scope, moment: Moment, limit: int, owner_must_hold_case: bool) -> list[QuerySet]:
    """The first ``limit`` check-ins due and tasks due, as rows of the same columns (``_together_sql``)."""
    total = Window(Count("pk"))
    checkins = checkins_due(scope, moment).values(
        part=Value("checkin"),
        due=F("due_on"),
        reference=F("case__reference"),
        number=F("days_after"),
        task_title=_NO_TEXT,
        owner_first=_NO_TEXT,
        owner_last=_NO_TEXT,
        owner_login=_NO_TEXT,
        # Counted with the figures, up to the cap: a window count here would read every check-in left unrecorded.
        total=_NO_NUMBER,
    )[:limit]
    tasks = tasks_due(scope, moment, owner_must_hold_case=owner_must_hold_case).values(
        part=Value("task"),
        due=F("due_on"),
        reference=F("case__reference"),
        number=F("pk"),
        task_title=F("title"),
        owner_first=F("owner__first_name"),
        owner_last=F("owner__last_name"),
        owner_login=F("owner__username"),
        total=total,
    )[:limit]
    return [checkins, tasks]


def checkins_and_tasks(
    scope: Scope, moment: Moment, *, limit: int, owner_must_hold_case: bool
) -> tuple[list[dict], list[dict], int]:
    """The first ``limit`` check-ins due (as ``checkins_list``) and tasks due (soonest first, with
    their owner and the address that ticks them done), and how many tasks there are: one
    statement, each list read in its own order and through its own index inside its own subquery
    (SQLite takes no LIMIT in a UNION's parts)."""
    rows = CHECKINS_AND_TASKS[scope.everyone].rows(shape=(limit, owner_must_hold_case), **scoped_values(scope, moment))
    labels, links = DateLabels(), CaseLinks()
    checkin_rows, task_rows, task_total = [], [], 0
    for row in rows:
        due = row["due"] if isinstance(row["due"], date) else date.fromisoformat(str(row["due"]))
        checkin = row["part"] == "checkin"
        label = labels.day(due, "M j" if checkin else "D M j")
        shown = {"due_on": due, "due_label": label, "overdue": due < moment.today}
        shown["url"] = links(row["reference"])
        if checkin:
            checkin_rows.append({**shown, "reference": row["reference"], "days_after": row["number"]})
            continue
        task_total = row["total"]
        owner = f"{row['owner_first']} {row['owner_last']}".strip() or row["owner_login"]
        task_rows.append(
            {
                **shown,
                "reference": row["reference"],
                "pk": row["number"],
                "title": row["task_title"],
                "owner": owner,
                "today": due == moment.today,
                "done_url": reverse("casework:task_done", args=[row["reference"], row["number"]]),
            }
        )
    checkin_rows.sort(key=lambda row: row["due_on"])
    task_rows.sort(key=lambda row: (row["due_on"], row["pk"]))
    return checkin_rows, task_rows, task_total


def _together_sql(querysets: list[QuerySet]) -> tuple[str, list]:
    """One statement reading the rows of ``values()`` querysets with the same columns, each sliced."""
    parts, params = [], []
    for index, queryset in enumerate(querysets):
        sql, part_params = queryset.query.get_compiler(using=queryset.db).as_sql()
        # The SQL is the ORM's own, with placeholders; the values travel as parameters.
        parts.append(f"SELECT * FROM ({sql}) AS part_{index}")  # noqa: S608
        params.extend(part_params)
    return " UNION ALL ".join(parts), params


def _prepared_together(querysets: Callable[..., list[QuerySet]]) -> dict[bool, PreparedSQL]:
    """``querysets(scope, moment, *shape)``'s rows read in one statement (``_together_sql``),
    prepared per scope: building and compiling the agenda's and the lists' querysets on each
    request was about a seventh of the dashboard's Python calls."""

    def statement(scope: Scope, moment: Moment, *, shape: tuple) -> tuple[str, list]:
        return _together_sql(querysets(scope, moment, *shape))

    return prepared_per_scope(PreparedSQL, statement)


CHECKINS_AND_TASKS = _prepared_together(checkins_and_tasks_rows)


# ---------------------------------------------------------------- the agenda


def agenda_rows(scope: Scope, moment: Moment) -> dict[str, QuerySet]:
    """The upcoming shifts and the upcoming meetings, soonest first, as agenda rows with the same
    columns (so that one statement reads both); each row has its kind and the number of its kind
    (``total``, a window count).
    """
    total = Window(Count("pk"))
    return {
        "shift": upcoming_shifts(scope, moment).values(
            kind=Value("shift"),
            item=F("pk"),
            when=F("starts_at"),
            ends=F("ends_at"),
            item_state=F("state"),
            reference=F("case__reference"),
            place=F("business__name"),
            item_format=_NO_TEXT,
            total=total,
        ),
        "meeting": upcoming_meetings(scope, moment).values(
            kind=Value("meeting"),
            item=F("pk"),
            when=F("scheduled_at"),
            ends=F("scheduled_at"),
            item_state=F("state"),
            reference=F("case__reference"),
            place=_NO_TEXT,
            item_format=F("format"),
            total=total,
        ),
    }


def _agenda_rows_together(scope: Scope, moment: Moment, limit: int) -> list[QuerySet]:
    return [queryset[:limit] for queryset in agenda_rows(scope, moment).values()]


AGENDA = _prepared_together(_agenda_rows_together)


def _labels(choices: dict[str, str]) -> dict[str, str]:
    """Choices' labels in the current language, each translated once."""
    return {value: str(label) for value, label in choices.items()}


def _moment(value: datetime | str) -> datetime:
    """A moment as the database cursor gives it: SQLite's naive (or as text), in UTC."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def agenda(scope: Scope, moment: Moment, *, limit: int) -> tuple[list["AgendaItem"], dict[str, int]]:
    """The next ``limit`` shifts and meetings of the coming days, soonest first, and how many
    shifts and meetings there are (``shift`` and ``meeting``).

    One statement: each kind's first ``limit`` rows read in its own order, through its own index
    (``_together_sql``).
    """
    labels, links = DateLabels(), CaseLinks()
    items, totals = [], dict.fromkeys(("shift", "meeting"), 0)
    states = {"shift": _labels(SHIFT_STATES), "meeting": _labels(MEETING_STATES)}
    for row in AGENDA[scope.everyone].rows(shape=(limit,), **scoped_values(scope, moment)):
        kind, count = row.pop("kind"), row.pop("total")
        totals[kind] = capped.figure(min(count, capped.CAP + 1), capped.CAP)
        row["when"], row["ends"] = _moment(row["when"]), _moment(row["ends"])
        when_label = labels.moment(row["when"])
        if kind == "shift":
            when_text, what = f"{when_label}–{labels.time(row['ends'])}", f"Role-swap shift at {row['place']}"
        else:
            fmt = str(MEETING_FORMATS[row["item_format"]]).lower() if row["item_format"] else ""
            when_text, what = when_label, f"Restorative meeting ({fmt})"
        items.append(
            AgendaItem(
                kind=kind,
                **row,
                when_text=when_text,
                what=what,
                state_label=states[kind][row["item_state"]],
                url=links(row["reference"]),
            )
        )
    items.sort(key=lambda item: (item.when, item.kind, item.item))
    return items[:limit], totals


@dataclass(frozen=True)
class AgendaItem:
    """A shift or a meeting on the agenda, with what the page writes of it."""

    kind: str
    item: int
    when: datetime
    ends: datetime
    item_state: str
    reference: str
    when_text: str  # a shift's start and end, a meeting's start
    what: str  # "Role-swap shift at …", "Restorative meeting (…)"
    state_label: str
    url: str  # the case's page
    place: str = ""  # a shift's
    item_format: str = ""  # a meeting's

    @property
    def is_shift(self) -> bool:
        return self.kind == "shift"
