"""Reads for the dashboard: what a caseworker (or, across everyone, a supervisor) acts on today.

Every figure is counted by the database and every list is one query with the joins it shows (the
agenda, one a kind), so the number of queries stays the same whatever the number of cases. Where
a list is bounded by the open cases (a "needs action" tile, the agenda), one query reads its
first rows and how many there are (a window count); what grows with the years (completed cases,
failed reminders, check-ins never recorded) is counted with the pipeline in one query
(``figures``), and stops at ``counts.CAP`` ("1,000+"). Counts of the work in progress are exact.
Each list is read through an index in its own order, and only the columns the page shows are
read (``values()``).

A ``Scope`` says whose cases are counted: one caseworker's, or everybody's; a ``Moment`` what
"now", "quiet" and "the coming days" are.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Window
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
        return queryset.filter(**{f"{path}{'__' if path else ''}caseworker_id": self.caseworker_id})


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
    return capped.capped_counts(
        figure_querysets(scope, moment),
        caps=EXACT_FIGURES,
        # Check-ins are counted in the order of their (state, due date) index: left free, the
        # planner merge-joins them with the cases in case order and reads every check-in ever made.
        in_order={"checkins_due": ["due_on"]},
    )


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
        .filter(status=Case.Status.OPEN, last_activity_at__lt=moment.quiet_since)
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


# ---------------------------------------------------------------- supervisors: case loads


def caseloads(moment: Moment) -> list[AbstractBaseUser]:
    """Every active caseworker and supervisor, by username, with their calendar feed and their open
    cases at each step (``step_1`` …), ``open_cases``, ``paused_cases``, ``high_risk`` and ``quiet``,
    in one query.

    Only their open and paused cases are joined (through the status index): closed history does
    not slow it down.
    """
    open_case = Q(held__status=Case.Status.OPEN)
    per_step = {f"step_{step}": Count("held", filter=open_case & Q(held__step=step)) for step in Case.Step.values}
    current = Q(assigned_cases__status__in=[Case.Status.OPEN, Case.Status.PAUSED])
    return list(
        User.objects.filter(pk__in=staff_who_can_hold_cases().values("pk"))
        .select_related("calendar_feed")
        .alias(held=FilteredRelation("assigned_cases", condition=current))
        .annotate(
            **per_step,
            open_cases=Count("held", filter=open_case),
            paused_cases=Count("held", filter=Q(held__status=Case.Status.PAUSED)),
            high_risk=Count("held", filter=open_case & Q(held__risk=Case.Risk.HIGH)),
            quiet=Count("held", filter=open_case & Q(held__last_activity_at__lt=moment.quiet_since)),
        )
        .order_by("username")
    )


def calendar_feed(user: AbstractBaseUser) -> CalendarFeed | None:
    """The user's calendar feed, if any (one query)."""
    return CalendarFeed.objects.filter(user=user).first()


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
    labels, rows = DateLabels(), tile_rows(scope, moment)
    tiles = []
    for key, title, hint in TILES:
        items = list(rows[key][:ITEMS_PER_TILE])
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
