"""Reads for the dashboard: what a caseworker (or, across everyone, a supervisor) acts on today.

Every figure is counted by the database and every list is one query with the joins it shows, so
the number of queries stays the same whatever the number of cases. Where a list is bounded by
the open cases (a "needs action" tile, the agenda), one query reads its first rows and how many
there are (a window count); what grows with the years (completed cases, failed reminders,
check-ins never recorded) is counted with the pipeline in one query (``figures``), and stops at
``counts.CAP`` ("1,000+"). Counts of the work in progress are exact. Each list is read through
an index in its own order, and only the columns the page shows are read.

The dashboard is the page staff open most, and its queries are the same on every request but for
the moment and the caseworker: building and compiling them with the ORM cost more than running
them. So each is built and compiled once per process (``prepared``), with a ``Param`` where a
request's own value goes, and run with that request's values. The functions that build them
(``quiet_cases``, ``signoffs_missing`` …) return ordinary querysets, runnable as they are.

A ``Scope`` says whose cases are counted: one caseworker's, or everybody's; a ``Moment`` what
"now", "quiet" and "the coming days" are.
"""

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.http import Http404
from django.utils import formats, timezone

from cases import counts as capped
from cases.models import CalendarFeed, Case, Incident, Participant
from cases.roles import is_caseworker, is_supervisor
from cases.selectors import staff_who_can_hold_cases
from notifications.models import Reminder
from reconciliation.models import (
    CheckIn,
    MeetingFormat,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
)

User = get_user_model()

QUIET_DAYS = 14
UPCOMING_DAYS = 7
ITEMS_PER_TILE = 6

# Shifts that still hold their slot and have not happened yet.
UPCOMING_SHIFT_STATES = (
    RoleSwapShift.State.PROPOSED,
    RoleSwapShift.State.CONFIRMED,
    RoleSwapShift.State.COUNTER_PROPOSED,
)
WAITING_SHIFT_STATES = (RoleSwapShift.State.PROPOSED, RoleSwapShift.State.COUNTER_PROPOSED)
# Labels by value (translated when shown): a dict is cheaper to ask than the choices' enum.
SHIFT_STATES = dict(RoleSwapShift.State.choices)
MEETING_STATES = dict(RestorativeMeeting.State.choices)
MEETING_FORMATS = dict(MeetingFormat.choices)
REMINDER_KINDS = dict(Reminder.Kind.choices)


# ---------------------------------------------------------------- queries compiled once

_preparing: ContextVar[bool] = ContextVar("preparing", default=False)


class Param(Value):
    """A request's own value in a query (the moment, the caseworker), under a name.

    Compiled as usual it is a plain parameter. Compiled by ``prepared`` it is left as a slot,
    which each run fills with the value of that name.
    """

    def __init__(self, name: str, value: Any, output_field: Any) -> None:
        super().__init__(value, output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        if _preparing.get():
            return "%s", [self]
        return super().as_sql(compiler, connection)

    def bind(self, values: Mapping[str, Any], connection) -> Any:
        return self.output_field.get_db_prep_value(values[self.name], connection=connection)


@dataclass(frozen=True)
class Prepared:
    """A query's SQL, compiled once; ``rows`` runs it with a request's values, as ``values()`` would."""

    sql: str
    params: tuple
    using: str
    names: tuple[str, ...]
    columns: tuple  # the expression of each column, for the database's converters (dates on SQLite)

    def rows(self, values: Mapping[str, Any]) -> list[dict]:
        connection = connections[self.using]
        params = [param.bind(values, connection) if isinstance(param, Param) else param for param in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        converters = []
        for position, column in enumerate(self.columns):
            if column is not None:
                functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if functions:
                    converters.append((position, functions, column))
        result = []
        for row in rows:
            row = list(row)
            for position, functions, column in converters:
                for function in functions:
                    row[position] = function(row[position], column, connection)
            result.append(dict(zip(self.names, row, strict=True)))
        return result


_PREPARED: dict[tuple, Prepared] = {}


def prepared(name: str, scope: "Scope", build: Callable[[], Prepared]) -> Prepared:
    """The query ``build`` compiles (with ``compiled``, ``union_all`` …), compiled on first use
    for scopes of this kind, then kept for the life of the process.
    """
    key = (name, scope.caseworker_id is None, connections[DEFAULT_DB_ALIAS].vendor, capped.CAP)
    if key not in _PREPARED:
        token = _preparing.set(True)
        try:
            query = build()
        finally:
            _preparing.reset(token)
        # A moment left out of a ``Param`` would stay the first request's forever.
        if any(isinstance(param, date) for param in query.params):
            raise ImproperlyConfigured(f"The dashboard's {name} query has a date that is not a Param.")
        _PREPARED[key] = query
    return _PREPARED[key]


def compiled(queryset: QuerySet) -> Prepared:
    """A ``values()`` queryset's SQL, with ``Param`` slots."""
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    # As ``ValuesIterable`` names a row's columns.
    names = query.selected or [*query.extra_select, *query.values_select, *query.annotation_select]
    columns = tuple(column for column, _sql, _alias in compiler.select[: compiler.col_count])
    return Prepared(sql, tuple(params), queryset.db, tuple(names), columns)


def union_all(querysets: list[QuerySet]) -> Prepared:
    """The rows of ``values()`` querysets with the same columns, each read with its own order and
    limit: each is a subquery of its own, where SQLite too lets it keep its ORDER BY and LIMIT.
    """
    parts = [compiled(queryset) for queryset in querysets]
    sql = " UNION ALL ".join(f"SELECT * FROM ({part.sql}) part_{n}" for n, part in enumerate(parts))  # noqa: S608
    params = tuple(param for part in parts for param in part.params)
    return Prepared(sql, params, parts[0].using, parts[0].names, parts[0].columns)


def compiled_counts(querysets: dict[str, QuerySet], **options) -> Prepared:
    """``counts.capped_counts`` of ``querysets``: one row, a count by name."""
    sql, params, using = capped.capped_counts_sql(querysets, **options)
    return Prepared(sql, tuple(params), using, tuple(querysets), (None,) * len(querysets))


# ---------------------------------------------------------------- whose cases, and when


@dataclass(frozen=True)
class Scope:
    """Whose cases are counted: one caseworker's (``caseworker_id``), or everybody's (None)."""

    caseworker_id: int | None

    def cases(self) -> QuerySet[Case]:
        return self.filter(Case.objects.all(), path="")

    def filter(self, queryset: QuerySet, path: str = "case") -> QuerySet:
        """``queryset`` narrowed to the scope; ``path`` leads from its model to the case."""
        if self.caseworker_id is None:
            return queryset
        caseworker = Param("caseworker", self.caseworker_id, IntegerField())
        return queryset.filter(**{f"{path}{'__' if path else ''}caseworker_id": caseworker})

    def params(self) -> dict[str, Any]:
        return {"caseworker": self.caseworker_id}


def scope_for(user: AbstractBaseUser | AnonymousUser, *, caseworker: AbstractBaseUser | None = None) -> Scope:
    """A caseworker sees their own cases; a supervisor everyone's, or one caseworker's if chosen."""
    if is_supervisor(user):
        return Scope(caseworker.pk if caseworker is not None else None)
    if is_caseworker(user):
        return Scope(user.pk)
    raise Http404("Not found.")


@dataclass(frozen=True)
class Moment:
    """The dashboard's point in time: when "quiet" starts and the coming days end."""

    now: datetime
    today: date

    @property
    def quiet_since(self) -> datetime:
        return self.now - timedelta(days=QUIET_DAYS)

    @property
    def week_ahead(self) -> datetime:
        return self.now + timedelta(days=UPCOMING_DAYS)

    @property
    def checkins_until(self) -> date:
        return self.today + timedelta(days=UPCOMING_DAYS)

    def param(self, name: str) -> Param:
        output_field = DateField() if name == "checkins_until" else DateTimeField()
        return Param(name, getattr(self, name), output_field)

    def params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ["now", "quiet_since", "week_ahead", "checkins_until"]}


class DateLabels:
    """Dates and times as the template's ``date`` filter writes them (current language and time
    zone), each day written once: the agenda and the check-ins come back to the same few days.
    """

    def __init__(self) -> None:
        self._days: dict[tuple[date, str], str] = {}

    def day(self, value: date, date_format: str) -> str:
        """``value|date:date_format`` for a format of the day only ("M j")."""
        if (value, date_format) not in self._days:
            self._days[value, date_format] = formats.date_format(value, date_format)
        return self._days[value, date_format]

    def moment(self, value: datetime) -> str:
        """``value|date:"D M j, H:i"``."""
        local = timezone.localtime(value)
        return f"{self.day(local.date(), 'D M j')}, {local:%H:%M}"

    @staticmethod
    def time(value: datetime) -> str:
        """``value|date:"H:i"``."""
        return f"{timezone.localtime(value):%H:%M}"


# ---------------------------------------------------------------- the figures, in one query


def figure_querysets(scope: Scope, moment: Moment) -> dict[str, QuerySet]:
    """What ``figures`` counts: ``step_1`` … ``step_5``, the open cases at each step; one per
    status (``paused``, ``completed`` …); ``reminders``, the failed reminders (a tile whose
    rows pile up over the years); ``checkins_due``, check-ins not recorded (they may pile up).
    """
    cases = scope.cases()
    querysets = {f"step_{step}": cases.filter(status=Case.Status.OPEN, step=step) for step in Case.Step.values}
    closed_or_waiting = [status for status in Case.Status.values if status != Case.Status.OPEN]
    querysets.update({status: cases.filter(status=status) for status in closed_or_waiting})
    querysets.update(
        reminders=failed_reminders(scope),
        checkins_due=checkins_due(scope, moment),
    )
    return querysets


# The work in progress is counted exactly; what piles up over the years, up to the cap.
EXACT_FIGURES = {f"step_{step}": None for step in Case.Step.values} | {Case.Status.PAUSED: None}


def figures(scope: Scope, moment: Moment) -> dict[str, int]:
    """The dashboard's counts that are not a tile's own (see ``figure_querysets``), in one query."""
    query = prepared(
        "figures",
        scope,
        lambda: compiled_counts(
            figure_querysets(scope, moment),
            caps=EXACT_FIGURES,
            # Check-ins are counted in the order of their (state, due date) index: left free, the
            # planner merge-joins them with the cases in case order and reads every check-in ever made.
            in_order={"checkins_due": ["due_on"]},
        ),
    )
    (row,) = query.rows(scope.params() | moment.params())
    return capped.figures(query.names, list(row.values()), caps=EXACT_FIGURES)


# ---------------------------------------------------------------- what needs action


def reflections_to_review(scope: Scope) -> QuerySet[Reflection]:
    """Submitted reflections on open cases, waiting for the caseworker's review; oldest first."""
    return (
        scope.filter(Reflection.objects.all())
        .filter(state=Reflection.State.SUBMITTED, case__status=Case.Status.OPEN)
        .order_by("submitted_at", "pk")
    )


def _required_signer() -> Q:
    """Who must sign the plan, as in ``reconciliation.workflow.required_signers``."""
    return (
        Q(role=Participant.Role.CUSTOMER)
        | (
            Q(role=Participant.Role.BUSINESS)
            & ~Q(consent__in=[Participant.Consent.DECLINED, Participant.Consent.WITHDRAWN])
        )
        | Q(role=Participant.Role.AGENT, consent=Participant.Consent.GIVEN)
    )


def signoffs_missing(scope: Scope) -> QuerySet[ReconciliationPlan]:
    """Current plan versions of open cases at the plan step that still wait for a required sign-off.

    Oldest version first. Each plan is checked on its own case, through indexes: that it is the
    latest version (the plans' case-and-version index), then whether one of the case's required
    signers (the participants' case index) has not agreed to it (the sign-offs' plan-and-participant
    index). Both checks are scalar subqueries, which PostgreSQL runs once per plan: written as
    EXISTS, it turns them into joins and hashes every participant of every case ever opened. So the
    cost follows the few hundred cases at the plan step, not the program's history; and nothing
    has to be kept in step by the services that record plans, sign-offs and consent.
    """
    latest_version = ReconciliationPlan.objects.filter(case=OuterRef("case")).order_by("-version").values("version")
    agreed = PlanSignoff.objects.filter(
        plan=OuterRef(OuterRef("pk")), participant=OuterRef("pk"), decision=PlanSignoff.Decision.AGREED
    )
    unsigned = Participant.objects.filter(_required_signer(), case=OuterRef("case")).filter(~Exists(agreed)).order_by()
    return (
        scope.filter(ReconciliationPlan.objects.all())
        .filter(case__status=Case.Status.OPEN, case__step=Case.Step.PLAN)
        .alias(latest_version=Subquery(latest_version[:1]), first_unsigned=Subquery(unsigned.values("pk")[:1]))
        .filter(version=F("latest_version"), first_unsigned__isnull=False)
        .order_by("created_at", "case_id")
    )


def shifts_waiting(scope: Scope) -> QuerySet[RoleSwapShift]:
    """Shifts on open cases waiting for the business to confirm, or for the caseworker to accept its other time."""
    return (
        scope.filter(RoleSwapShift.objects.all())
        .filter(state__in=WAITING_SHIFT_STATES, case__status=Case.Status.OPEN)
        .order_by("starts_at", "pk")
    )


def approvals_waiting(scope: Scope) -> QuerySet[Case]:
    """Open high-risk cases at the role-swap or meeting step, blocked until a supervisor approves."""
    return (
        scope.cases()
        .filter(status=Case.Status.OPEN, risk=Case.Risk.HIGH, step__in=[Case.Step.ROLE_SWAP, Case.Step.MEETING])
        .filter(~Exists(SafetyApproval.objects.filter(case=OuterRef("pk"))))
        .order_by("opened_at", "pk")
    )


def failed_reminders(scope: Scope) -> QuerySet[Reminder]:
    """Reminders that could not be sent after every retry, on the cases in scope; the newest first.

    As ``reconciliation.selectors.failed_reminders_for``: ``scope_for`` already keeps a
    caseworker to their own cases.
    """
    return scope.filter(Reminder.objects.all()).filter(state=Reminder.State.FAILED).order_by("-next_attempt_at", "-id")


def quiet_cases(scope: Scope, moment: Moment) -> QuerySet[Case]:
    """Open cases where nothing happened for ``QUIET_DAYS`` days; the quietest first."""
    return (
        scope.cases()
        .filter(status=Case.Status.OPEN, last_activity_at__lt=moment.param("quiet_since"))
        .order_by("last_activity_at", "pk")
    )


# ---------------------------------------------------------------- the coming days


def upcoming_shifts(scope: Scope, moment: Moment) -> QuerySet[RoleSwapShift]:
    """Shifts starting in the next ``UPCOMING_DAYS`` days that have not been declined or cancelled."""
    return (
        scope.filter(RoleSwapShift.objects.all())
        .filter(
            state__in=UPCOMING_SHIFT_STATES,
            case__status=Case.Status.OPEN,
            starts_at__gte=moment.param("now"),
            starts_at__lt=moment.param("week_ahead"),
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
            scheduled_at__gte=moment.param("now"),
            scheduled_at__lt=moment.param("week_ahead"),
        )
        .order_by("scheduled_at", "pk")
    )


def checkins_due(scope: Scope, moment: Moment) -> QuerySet[CheckIn]:
    """Check-ins not yet recorded that are overdue or due in the next ``UPCOMING_DAYS`` days."""
    return (
        scope.filter(CheckIn.objects.all())
        .filter(state=CheckIn.State.DUE, due_on__lte=moment.param("checkins_until"))
        .exclude(case__status=Case.Status.WITHDRAWN)
        .order_by("due_on", "pk")
    )


def checkins_list(scope: Scope, moment: Moment, *, limit: int) -> list[dict]:
    """The first ``limit`` check-ins due, the most overdue first: reference, days after, due date
    (and as the page writes it) and whether it is overdue.
    """
    query = prepared(
        f"checkins:{limit}",
        scope,
        lambda: compiled(
            checkins_due(scope, moment).values("days_after", "due_on", reference=F("case__reference"))[:limit]
        ),
    )
    labels = DateLabels()
    return [
        {
            **row,
            "due_label": labels.day(row["due_on"], "M j"),
            "overdue": row["due_on"] < moment.today,
        }
        for row in query.rows(scope.params() | moment.params())
    ]


# ---------------------------------------------------------------- supervisors: case loads

LOAD_FIGURES = [*(f"step_{step}" for step in Case.Step.values), "open_cases", "paused_cases", "high_risk", "quiet"]
_EVERYONE = Scope(None)


def staff_rows() -> QuerySet:
    """Every active caseworker and supervisor, with their calendar feed's ``feed_…`` columns."""
    return User.objects.filter(pk__in=staff_who_can_hold_cases().values("pk")).values(
        "pk",
        "username",
        "first_name",
        "last_name",
        feed_id=F("calendar_feed__pk"),
        feed_created_at=F("calendar_feed__created_at"),
        feed_last_used_at=F("calendar_feed__last_used_at"),
    )


def load_rows(moment: Moment) -> QuerySet:
    """Each caseworker's open cases per step and the rest of ``LOAD_FIGURES``, a row per caseworker.

    Only open and paused cases are read (through the status indexes): closed history does not
    slow it down.
    """
    open_case = Q(status=Case.Status.OPEN)
    per_step = {f"step_{step}": Count("pk", filter=open_case & Q(step=step)) for step in Case.Step.values}
    return (
        Case.objects.filter(status__in=[Case.Status.OPEN, Case.Status.PAUSED])
        .values("caseworker_id")
        .annotate(
            **per_step,
            open_cases=Count("pk", filter=open_case),
            paused_cases=Count("pk", filter=Q(status=Case.Status.PAUSED)),
            high_risk=Count("pk", filter=open_case & Q(risk=Case.Risk.HIGH)),
            quiet=Count("pk", filter=open_case & Q(last_activity_at__lt=moment.param("quiet_since"))),
        )
        .order_by()
    )


def caseload_query(moment: Moment) -> Prepared:
    """``staff_rows`` with their ``load_rows`` (zeros for those without open cases), by username.

    The cases are counted per caseworker before they meet the staff: joined first, every open
    case would be carried through the join and grouped with the user's columns.
    """
    staff, loads = compiled(staff_rows()), compiled(load_rows(moment))
    figures = ", ".join(f'COALESCE(loads."{name}", 0) AS "{name}"' for name in LOAD_FIGURES)
    sql = (
        f"SELECT staff.*, {figures} FROM ({staff.sql}) staff "  # noqa: S608
        f'LEFT JOIN ({loads.sql}) loads ON loads."caseworker_id" = staff."pk" ORDER BY staff."username"'
    )
    columns = staff.columns + (None,) * len(LOAD_FIGURES)
    return Prepared(sql, staff.params + loads.params, staff.using, staff.names + tuple(LOAD_FIGURES), columns)


@dataclass
class StaffLoad:
    """A caseworker or supervisor with their open cases: a row of the case loads, a choice of dashboard."""

    pk: int
    username: str
    first_name: str
    last_name: str
    feed: dict  # their calendar feed's ``feed_…`` columns
    step_1: int
    step_2: int
    step_3: int
    step_4: int
    step_5: int
    open_cases: int
    paused_cases: int
    high_risk: int
    quiet: int

    def get_full_name(self) -> str:
        return _full_name(self.first_name, self.last_name)

    def get_username(self) -> str:
        return self.username

    @property
    def calendar_feed(self) -> CalendarFeed | None:
        if self.feed["feed_id"] is None:
            return None
        return CalendarFeed(
            pk=self.feed["feed_id"],
            user_id=self.pk,
            created_at=self.feed["feed_created_at"],
            last_used_at=self.feed["feed_last_used_at"],
        )


def caseloads(moment: Moment) -> list[StaffLoad]:
    """Every active caseworker and supervisor with their ``LOAD_FIGURES`` and their calendar feed, in one query."""
    rows = prepared("caseloads", _EVERYONE, lambda: caseload_query(moment)).rows(moment.params())
    return [
        StaffLoad(
            pk=row["pk"],
            username=row["username"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            feed={name: row[name] for name in ["feed_id", "feed_created_at", "feed_last_used_at"]},
            **{name: row[name] for name in LOAD_FIGURES},
        )
        for row in rows
    ]


def calendar_feed(user: AbstractBaseUser) -> CalendarFeed | None:
    """The user's calendar feed, if any (one query)."""
    query = prepared(
        "calendar_feed",
        _EVERYONE,
        lambda: compiled(
            CalendarFeed.objects.filter(user=Param("user", user.pk, IntegerField())).values(
                "pk", "created_at", "last_used_at"
            )[:1]
        ),
    )
    rows = query.rows({"user": user.pk})
    return CalendarFeed(user=user, **rows[0]) if rows else None


# ---------------------------------------------------------------- the agenda


def agenda_rows(scope: Scope, moment: Moment, *, limit: int) -> list[QuerySet]:
    """The first ``limit`` upcoming shifts and the first ``limit`` upcoming meetings, soonest
    first, as agenda rows; each row has the number of its kind (``total``, a window count).
    """
    total = Window(Count("pk"))
    shifts = upcoming_shifts(scope, moment).values(
        kind=Value("shift"),
        item=F("pk"),
        when=F("starts_at"),
        ends=F("ends_at"),
        item_state=F("state"),
        reference=F("case__reference"),
        place=F("business__name"),
        item_format=Value(""),
        total=total,
    )
    meetings = upcoming_meetings(scope, moment).values(
        kind=Value("meeting"),
        item=F("pk"),
        when=F("scheduled_at"),
        ends=F("scheduled_at"),
        item_state=F("state"),
        reference=F("case__reference"),
        place=Value(""),
        item_format=F("format"),
        total=total,
    )
    return [shifts[:limit], meetings[:limit]]


def agenda(scope: Scope, moment: Moment, *, limit: int) -> tuple[list["AgendaItem"], dict[str, int]]:
    """The next ``limit`` shifts and meetings of the coming days, soonest first, and how many
    shifts and meetings there are (``shift`` and ``meeting``), in one query.
    """
    rows = prepared(f"agenda:{limit}", scope, lambda: union_all(agenda_rows(scope, moment, limit=limit))).rows(
        scope.params() | moment.params()
    )
    totals = {"shift": 0, "meeting": 0}
    for row in rows:
        totals[row["kind"]] = capped.figure(min(row.pop("total"), capped.CAP + 1), capped.CAP)
    labels = DateLabels()
    rows.sort(key=lambda row: (row["when"], row["kind"], row["item"]))
    items = [
        AgendaItem(
            **row,
            when_label=labels.moment(row["when"]),
            ends_label=labels.time(row["ends"]),
        )
        for row in rows[:limit]
    ]
    return items, totals


@dataclass(frozen=True)
class AgendaItem:
    """A shift or a meeting on the agenda."""

    kind: str
    item: int
    when: datetime
    ends: datetime
    item_state: str
    reference: str
    place: str
    item_format: str
    when_label: str  # as the page writes them
    ends_label: str

    @property
    def is_shift(self) -> bool:
        return self.kind == "shift"

    @property
    def state_label(self) -> str:
        return str((SHIFT_STATES if self.is_shift else MEETING_STATES)[self.item_state])

    @property
    def format_label(self) -> str:
        return str(MEETING_FORMATS[self.item_format]).lower() if self.item_format else ""


# ---------------------------------------------------------------- the tiles


@dataclass
class Tile:
    """One "needs action" tile: how many, and the first few to act on (rows with a ``reference``)."""

    key: str
    title: str
    hint: str
    count: int
    items: list[dict] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


TILES = [
    ("reflections", "Reflections to review", "Submitted by the customer, waiting for your review."),
    ("signoffs", "Sign-offs missing", "Plans whose current version still waits for someone to agree."),
    ("shifts", "Shifts waiting for confirmation", "Proposed to the business, or the business proposed another time."),
    ("approvals", "High-risk cases waiting for approval", "Nothing can be scheduled until a supervisor approves."),
    (
        "reminders",
        "Failed reminders",
        "E-mails that could not be sent after every retry: check the address, then send again or cancel.",
    ),
    ("quiet", f"No activity for {QUIET_DAYS} days", "Open cases where nothing has happened for two weeks."),
]


def _business_of_case(incident: str = "incident_id") -> Subquery:
    # A subquery rather than a join: run for the few rows shown, not for every row counted.
    return Subquery(Incident.objects.filter(pk=OuterRef(incident)).order_by().values("business__name")[:1])


def tile_rows(scope: Scope, moment: Moment) -> dict[str, QuerySet]:
    """Each tile's rows as the page shows them (``reference`` and what follows it); but for the
    failed reminders, with ``total``, the number of rows (a window count).
    """
    total = {"total": Window(Count("pk"))}
    return {
        "reflections": reflections_to_review(scope).values("submitted_at", reference=F("case__reference"), **total),
        "signoffs": signoffs_missing(scope).values(
            reference=F("case__reference"),
            business_name=_business_of_case("case__incident_id"),
            plan_version=F("version"),
            plan_created_at=F("created_at"),
            **total,
        ),
        "shifts": shifts_waiting(scope).values(
            "starts_at", "state", reference=F("case__reference"), business_name=F("business__name"), **total
        ),
        "approvals": approvals_waiting(scope).values("reference", "step", business_name=_business_of_case(), **total),
        "reminders": failed_reminders(scope).values(
            "kind",
            "participant_id",
            "user_id",
            reference=F("case__reference"),
            participant_name=F("participant__name"),
            user_username=F("user__username"),
            user_first_name=F("user__first_name"),
            user_last_name=F("user__last_name"),
        ),
        "quiet": quiet_cases(scope, moment).values(
            "reference", "last_activity_at", business_name=_business_of_case(), **total
        ),
    }


def _full_name(first_name: str, last_name: str) -> str:
    return f"{first_name} {last_name}".strip()  # as ``AbstractUser.get_full_name``


def _reminder_item(row: dict) -> dict:
    """A failed reminder's row with its kind and its recipient's name, as the reminder writes them
    (``get_kind_display``, ``recipient_name``), without making a model instance of each.
    """
    if row["participant_id"]:
        recipient = row["participant_name"]
    elif row["user_id"]:
        recipient = _full_name(row["user_first_name"], row["user_last_name"]) or row["user_username"]
    else:
        recipient = "nobody"
    return {"reference": row["reference"], "kind": REMINDER_KINDS.get(row["kind"], row["kind"]), "recipient": recipient}


def action_tiles(scope: Scope, moment: Moment, *, counts: dict[str, int]) -> list[Tile]:
    """The "needs action today" tiles, in the order a caseworker works through them.

    Each tile is one query: its first few items and how many there are. The failed reminders,
    which pile up over the years, are counted up to the cap with the ``figures`` (``counts``).
    """
    values = scope.params() | moment.params()
    labels = DateLabels()
    tiles = []
    for key, title, hint in TILES:
        query = prepared(
            f"tile:{key}:{ITEMS_PER_TILE}",
            scope,
            lambda key=key: compiled(tile_rows(scope, moment)[key][:ITEMS_PER_TILE]),
        )
        items = query.rows(values)
        if key == "reminders":
            items, count = [_reminder_item(row) for row in items], counts["reminders"]
        else:
            total = items[0]["total"] if items else 0
            count = capped.figure(min(total, capped.CAP + 1), capped.CAP)
        for item in items:
            if key == "shifts":
                item["starts_label"] = labels.moment(item["starts_at"])
            elif key == "signoffs":
                item["plan_since"] = labels.day(timezone.localtime(item["plan_created_at"]).date(), "M j")
        tiles.append(Tile(key=key, title=title, hint=hint, count=count, items=items))
    return tiles
