"""Reads for the dashboard: what a caseworker (or, across everyone, a supervisor) acts on today.

Every figure is counted by the database, all of them in one query (``figures``), and every
list is one query with the joins it shows, so the number of queries stays the same whatever
the number of cases. Counts of what grows with the years (completed cases, failed reminders)
stop at ``counts.CAP`` ("1,000+"); counts of the work in progress (open cases) are exact.
Each list is read through an index in its own order, so it costs its first rows, not the table.
A ``Scope`` says whose cases are counted: one caseworker's, or everybody's.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.urls import reverse

from reconciliation.models import (
    CheckIn,
    MeetingFormat,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    Reminder,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
)
from reconciliation.selectors import failed_reminders_for

from .counts import capped_counts
from .models import Case, Participant
from .roles import is_caseworker, is_supervisor
from .selectors import staff_who_can_hold_cases

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


# ---------------------------------------------------------------- every figure, in one query


def figures(scope: Scope, *, user: AbstractBaseUser, now: datetime, today: date) -> dict[str, int]:
    """Every count on the dashboard, in one query.

    ``step_1`` … ``step_5``: open cases at each step; one per status (``paused``,
    ``completed`` …); one per action tile (``reflections``, ``signoffs`` …, as in
    ``action_tiles``); ``upcoming_shifts`` and ``upcoming_meetings`` of the next days;
    ``checkins_due``.
    """
    cases = scope.cases()
    querysets = {f"step_{step}": cases.filter(status=Case.Status.OPEN, step=step) for step in Case.Step.values}
    closed_or_waiting = [status for status in Case.Status.values if status != Case.Status.OPEN]
    querysets.update({status: cases.filter(status=status) for status in closed_or_waiting})
    querysets.update(_tile_querysets(scope, user=user, now=now))
    querysets.update(
        upcoming_shifts=upcoming_shifts(scope, now=now),
        upcoming_meetings=upcoming_meetings(scope, now=now),
        checkins_due=checkins_due(scope, today=today),
    )
    # The work in progress is counted exactly; what piles up over the years, up to the cap.
    exact = {f"step_{step}": None for step in Case.Step.values} | {Case.Status.PAUSED: None}
    return capped_counts(querysets, caps=exact)


# ---------------------------------------------------------------- what needs action


def reflections_to_review(scope: Scope) -> QuerySet[Reflection]:
    """Submitted reflections on open cases, waiting for the caseworker's review; oldest first."""
    return (
        scope.filter(Reflection.objects.all())
        .filter(state=Reflection.State.SUBMITTED, case__status=Case.Status.OPEN)
        .select_related("case")
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


def signoffs_missing(scope: Scope) -> QuerySet[Case]:
    """Open cases at the plan step whose current plan version still waits for a required sign-off."""
    latest = ReconciliationPlan.objects.filter(case=OuterRef("pk")).order_by("-version")
    agreed = PlanSignoff.objects.filter(
        plan_id=OuterRef(OuterRef("plan_id")), participant=OuterRef("pk"), decision=PlanSignoff.Decision.AGREED
    )
    unsigned = Participant.objects.filter(_required_signer(), case=OuterRef("pk")).exclude(Exists(agreed))
    return (
        scope.cases()
        .filter(status=Case.Status.OPEN, step=Case.Step.PLAN)
        .annotate(
            plan_id=Subquery(latest.values("pk")[:1]),
            plan_version=Subquery(latest.values("version")[:1]),
            plan_created_at=Subquery(latest.values("created_at")[:1]),
        )
        .filter(plan_id__isnull=False)
        .filter(Exists(unsigned))
        .select_related("incident__business")
        .order_by("plan_created_at", "pk")
    )


def shifts_waiting(scope: Scope) -> QuerySet[RoleSwapShift]:
    """Shifts on open cases waiting for the business to confirm, or for the caseworker to accept its other time."""
    return (
        scope.filter(RoleSwapShift.objects.all())
        .filter(state__in=WAITING_SHIFT_STATES, case__status=Case.Status.OPEN)
        .select_related("case", "business")
        .order_by("starts_at", "pk")
    )


def approvals_waiting(scope: Scope) -> QuerySet[Case]:
    """Open high-risk cases at the role-swap or meeting step, blocked until a supervisor approves."""
    return (
        scope.cases()
        .filter(status=Case.Status.OPEN, risk=Case.Risk.HIGH, step__in=[Case.Step.ROLE_SWAP, Case.Step.MEETING])
        .filter(~Exists(SafetyApproval.objects.filter(case=OuterRef("pk"))))
        .select_related("incident__business")
        .order_by("opened_at", "pk")
    )


def failed_reminders(scope: Scope, *, user: AbstractBaseUser) -> QuerySet[Reminder]:
    """Reminders that could not be sent after every retry, on the cases in scope; the newest first."""
    return scope.filter(failed_reminders_for(user))


def quiet_cases(scope: Scope, *, now: datetime) -> QuerySet[Case]:
    """Open cases where nothing happened for ``QUIET_DAYS`` days; the quietest first."""
    return (
        scope.cases()
        .filter(status=Case.Status.OPEN, last_activity_at__lt=now - timedelta(days=QUIET_DAYS))
        .select_related("incident__business")
        .order_by("last_activity_at", "pk")
    )


# ---------------------------------------------------------------- the coming days


def upcoming_shifts(scope: Scope, *, now: datetime) -> QuerySet[RoleSwapShift]:
    """Shifts starting in the next ``UPCOMING_DAYS`` days that have not been declined or cancelled."""
    return (
        scope.filter(RoleSwapShift.objects.all())
        .filter(
            state__in=UPCOMING_SHIFT_STATES,
            case__status=Case.Status.OPEN,
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=UPCOMING_DAYS),
        )
        .select_related("case", "business")
        .order_by("starts_at", "pk")
    )


def upcoming_meetings(scope: Scope, *, now: datetime) -> QuerySet[RestorativeMeeting]:
    """Restorative meetings scheduled in the next ``UPCOMING_DAYS`` days."""
    return (
        scope.filter(RestorativeMeeting.objects.all())
        .filter(
            state=RestorativeMeeting.State.SCHEDULED,
            case__status=Case.Status.OPEN,
            scheduled_at__gte=now,
            scheduled_at__lt=now + timedelta(days=UPCOMING_DAYS),
        )
        .select_related("case")
        .order_by("scheduled_at", "pk")
    )


def checkins_due(scope: Scope, *, today: date) -> QuerySet[CheckIn]:
    """Check-ins not yet recorded that are overdue or due in the next ``UPCOMING_DAYS`` days."""
    return (
        scope.filter(CheckIn.objects.all())
        .filter(state=CheckIn.State.DUE, due_on__lte=today + timedelta(days=UPCOMING_DAYS))
        .exclude(case__status=Case.Status.WITHDRAWN)
        .select_related("case")
        .order_by("due_on", "pk")
    )


# ---------------------------------------------------------------- supervisors: case loads


def caseloads(*, now: datetime) -> QuerySet:
    """Every active caseworker and supervisor with their open cases per step, in one query.

    Only their open and paused cases are joined (through the caseworker-and-status index):
    closed history does not slow it down. Each comes with their calendar feed, if any.
    """
    active = FilteredRelation(
        "assigned_cases", condition=Q(assigned_cases__status__in=[Case.Status.OPEN, Case.Status.PAUSED])
    )
    open_case = Q(active_cases__status=Case.Status.OPEN)
    counts = {
        f"step_{step}": Count("active_cases", filter=open_case & Q(active_cases__step=step))
        for step in Case.Step.values
    }
    return (
        User.objects.filter(pk__in=staff_who_can_hold_cases().values("pk"))
        .annotate(active_cases=active)
        .annotate(
            **counts,
            open_cases=Count("active_cases", filter=open_case),
            paused_cases=Count("active_cases", filter=Q(active_cases__status=Case.Status.PAUSED)),
            high_risk=Count("active_cases", filter=open_case & Q(active_cases__risk=Case.Risk.HIGH)),
            quiet=Count(
                "active_cases",
                filter=open_case & Q(active_cases__last_activity_at__lt=now - timedelta(days=QUIET_DAYS)),
            ),
        )
        .select_related("calendar_feed")
        .order_by("username")
    )


def agenda(scope: Scope, *, now: datetime, limit: int) -> list["AgendaItem"]:
    """The next ``limit`` shifts and meetings of the coming days, soonest first, in one query."""
    shifts = (
        upcoming_shifts(scope, now=now)
        .order_by()
        .values(
            kind=Value("shift"),
            item=F("pk"),
            when=F("starts_at"),
            ends=F("ends_at"),
            item_state=F("state"),
            reference=F("case__reference"),
            place=F("business__name"),
            item_format=Value(""),
        )
    )
    meetings = (
        upcoming_meetings(scope, now=now)
        .order_by()
        .values(
            kind=Value("meeting"),
            item=F("pk"),
            when=F("scheduled_at"),
            ends=F("scheduled_at"),
            item_state=F("state"),
            reference=F("case__reference"),
            place=Value(""),
            item_format=F("format"),
        )
    )
    rows = shifts.union(meetings, all=True).order_by("when", "kind", "item")[:limit]
    return [AgendaItem(**row) for row in rows]


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

    @property
    def is_shift(self) -> bool:
        return self.kind == "shift"

    @property
    def state_label(self) -> str:
        states = RoleSwapShift.State if self.is_shift else RestorativeMeeting.State
        return str(states(self.item_state).label)

    @property
    def format_label(self) -> str:
        return str(MeetingFormat(self.item_format).label).lower() if self.item_format else ""

    @property
    def case_url(self) -> str:
        return reverse("cases:detail", kwargs={"reference": self.reference})


# ---------------------------------------------------------------- the page


@dataclass
class Tile:
    """One "needs action" tile: how many, and the first few to act on."""

    key: str
    title: str
    hint: str
    count: int
    items: list = field(default_factory=list)

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


def _tile_querysets(scope: Scope, *, user: AbstractBaseUser, now: datetime) -> dict[str, QuerySet]:
    return {
        "reflections": reflections_to_review(scope),
        "signoffs": signoffs_missing(scope),
        "shifts": shifts_waiting(scope),
        "approvals": approvals_waiting(scope),
        "reminders": failed_reminders(scope, user=user),
        "quiet": quiet_cases(scope, now=now),
    }


def action_tiles(scope: Scope, *, user: AbstractBaseUser, now: datetime, counts: dict[str, int]) -> list[Tile]:
    """The "needs action today" tiles, in the order a caseworker works through them.

    ``counts`` are the ``figures``; each tile reads its first few items in one query.
    """
    querysets = _tile_querysets(scope, user=user, now=now)
    return [
        Tile(key=key, title=title, hint=hint, count=counts[key], items=list(querysets[key][:ITEMS_PER_TILE]))
        for key, title, hint in TILES
    ]
