"""The dashboard's figures (open cases by step, cases by status, what piles up) and its "needs
action today" tiles, with what each tile reads.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.timesince import timesince

from cases import counts as capped
from cases.models import Case, Incident, Participant
from cases.selectors import cases_where_someone_spoke_up, cases_with_someone_unreachable
from compassion.prepared import Prepared, PreparedSQL
from notifications.models import Reminder
from reconciliation.models import PlanSignoff, ReconciliationPlan, Reflection, RoleSwapShift, SafetyApproval
from reconciliation.registry import REGISTRY

from .agenda import checkins_due
from .scope import QUIET_DAYS, CaseLinks, DateLabels, Moment, Scope, prepared_per_scope, scoped_values

ITEMS_PER_TILE = 6
WAITING_SHIFT_STATES = (RoleSwapShift.State.PROPOSED, RoleSwapShift.State.COUNTER_PROPOSED)
# Labels by value (translated when shown): a dict is cheaper to ask than the choices' enum.
REMINDER_KINDS = dict(Reminder.Kind.choices)


# ---------------------------------------------------------------- the figures, in one query


def figure_querysets(scope: Scope, moment: Moment) -> dict[str, QuerySet]:
    """What ``figures`` counts: ``step_1`` … ``step_5``, the open cases at each step; one per
    status (``paused``, ``completed`` …); ``reminders``, the failed reminders (a tile whose
    rows pile up over the years); ``checkins_due``, check-ins not recorded (they may pile up).
    """
    cases = scope.cases()
    querysets = {f"step_{s.number}": cases.filter(status=Case.Status.OPEN, step=s.number) for s in REGISTRY}
    closed_or_waiting = [status for status in Case.Status.values if status != Case.Status.OPEN]
    querysets.update({status: cases.filter(status=status) for status in closed_or_waiting})
    querysets.update(
        reminders=failed_reminders(scope),
        spoke_up=cases_where_someone_spoke_up(cases, moment.spoke_up_since),
        unreachable=cases_with_someone_unreachable(cases),
        checkins_due=checkins_due(scope, moment),
    )
    return querysets


def exact_figures() -> dict[str, None]:
    """The work in progress is counted exactly (the cases at each step, the paused ones); what
    piles up over the years, up to the cap."""
    return {f"step_{step.number}": None for step in REGISTRY} | {Case.Status.PAUSED: None}


def figures(scope: Scope, moment: Moment) -> dict[str, int]:
    """The dashboard's counts that are not a tile's own (see ``figure_querysets``), in one query
    (``PREPARED_FIGURES``)."""
    # What decides the statement's form beyond the values: the cap, and whether texts are on (``unreachable``).
    shape = (capped.CAP, settings.SMS_ENABLED)
    [row] = PREPARED_FIGURES[scope.everyone].rows(shape=shape, **scoped_values(scope, moment))
    return capped.figures(row, caps=exact_figures())


def _figures_statement(scope: Scope, moment: Moment, *, shape: tuple) -> tuple[str, list]:
    """The figures' one statement and its parameters (``shape``: see ``figures``)."""
    sql, params, _using = capped.capped_counts_sql(
        figure_querysets(scope, moment),
        caps=exact_figures(),
        # Check-ins are counted in the order of their (state, due date) index: left free, the
        # planner merge-joins them with the cases in case order and reads every check-in ever made.
        in_order={"checkins_due": ["due_on"]},
    )
    return sql, params


# Prepared: building and compiling the thirteen counts on each request was about a seventh of the
# dashboard's Python calls.
PREPARED_FIGURES = prepared_per_scope(PreparedSQL, _figures_statement)


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
    unsigned = Participant.objects.filter(_required_signer(), ~Exists(agreed), case=OuterRef("case")).order_by()
    return scope.filter(
        ReconciliationPlan.objects.filter(
            IsNull(Subquery(unsigned.values("pk")[:1]), False),
            case__status=Case.Status.OPEN,
            case__step=REGISTRY.named("plan").number,
            version=Subquery(latest_version[:1]),
        ).order_by("created_at", "case_id")
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
    blocked = [REGISTRY.named("role-swap").number, REGISTRY.named("meeting").number]
    return (
        scope.cases()
        .filter(status=Case.Status.OPEN, risk=Case.Risk.HIGH, step__in=blocked)
        .filter(~Exists(SafetyApproval.objects.filter(case=OuterRef("pk"))))
        .order_by("opened_at", "pk")
    )


def caseworker_gone(scope: Scope) -> QuerySet[Case]:
    """Open or paused cases whose caseworker's account was deactivated: they need a new caseworker.

    Oldest first. ``opened_at`` is never empty: asking for empty ones first changes no order, but
    keeps the planner from walking the cases' opening-date index through every case ever opened in
    the hope of finding six soon (the tile's window count reads them all anyway); it starts from
    the few deactivated accounts instead.
    """
    return (
        scope.cases()
        .filter(status__in=Case.ACTIVE_STATUSES, caseworker__is_active=False)
        .order_by(F("opened_at").asc(nulls_first=True), "pk")
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


# ---------------------------------------------------------------- the tiles


@dataclass
class Tile:
    """One "needs action" tile: how many, and the first few to act on (``tile_item``)."""

    key: str
    title: str
    hint: str
    count: int
    items: list[dict] = field(default_factory=list)
    list_filter: str = ""  # a counted-only tile's filter of the case list ("asked=true")

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


TILES = [
    ("reflections", "Reflections to review", "Submitted by the customer, waiting for your review."),
    ("signoffs", "Sign-offs missing", "Plans whose current version still waits for someone to agree."),
    (
        "spoke_up",
        "Cases where someone asked for a call or for no contact",
        "From their own page or message: call those who asked to talk first; nothing is sent to them until you do.",
    ),
    (
        "unreachable",
        "Cases with someone we cannot reach",
        "No e-mail address and no phone that takes texts: their reminders fail. Add one on the case page.",
    ),
    ("shifts", "Shifts waiting for confirmation", "Proposed to the business, or the business proposed another time."),
    ("approvals", "High-risk cases waiting for approval", "Nothing can be scheduled until a supervisor approves."),
    (
        "caseworker_gone",
        "Cases needing a new caseworker",
        "Their caseworker's account was deactivated: nobody receives their reminders. Reassign them.",
    ),
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
        "caseworker_gone": caseworker_gone(scope).values(
            "reference", business_name=_business_of_case(), caseworker_username=F("caseworker__username"), **total
        ),
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


def _reminder_recipient(row: dict) -> str:
    """A failed reminder's recipient as the reminder names them (``recipient_name``), without
    making a model instance of each."""
    if row["participant_id"]:
        return row["participant_name"]
    if row["user_id"]:
        return _full_name(row["user_first_name"], row["user_last_name"]) or row["user_username"]
    return "nobody"


def tile_item(key: str, row: dict, url: str, labels: DateLabels) -> dict:
    """A tile's row with what the page writes of it: the case's ``reference``, linked to ``url``,
    then ``line`` and, in red, ``alert`` (the page escapes both)."""
    alert = ""
    if key == "reflections":
        line = f"submitted {timesince(row['submitted_at'])} ago"
    elif key == "signoffs":
        since = labels.day(timezone.localtime(row["plan_created_at"]).date(), "M j")
        line = f"{row['business_name']} · plan v{row['plan_version']} since {since}"
    elif key == "shifts":
        line = f"{labels.moment(row['starts_at'])} at {row['business_name']} · "
        if row["state"] == RoleSwapShift.State.COUNTER_PROPOSED:
            alert = "other time proposed"
        else:
            line += "waiting for the business"
    elif key == "approvals":
        line = f"{row['business_name']} · step {row['step']}"
    elif key == "caseworker_gone":
        line = f"{row['business_name']} · was {row['caseworker_username']}'s"
    elif key == "reminders":
        kind = REMINDER_KINDS.get(row["kind"], row["kind"])  # as ``get_kind_display``
        line, url = f"{str(kind).lower()} to {_reminder_recipient(row)}", f"{url}#reminders"
    else:
        line = f"{row['business_name']} · quiet for {timesince(row['last_activity_at'])}"
    return {**row, "url": url, "line": line, "alert": alert}


# The counted-only tiles: their cases on the case list.
LIST_FILTERS = {"spoke_up": "asked=true", "unreachable": "unreachable=true"}


def action_tiles(scope: Scope, moment: Moment, *, counts: dict[str, int]) -> list[Tile]:
    """The "needs action today" tiles, in the order a caseworker works through them.

    Each tile is one query: its first few items and how many there are (``PREPARED_TILES``). The
    failed reminders, which pile up over the years, are counted up to the cap with the ``figures``
    (``counts``); so are the counted-only tiles, whose cases the case list shows.
    """
    labels, links = DateLabels(), CaseLinks()
    tiles = []
    for key, title, hint in TILES:
        if key in LIST_FILTERS:
            tiles.append(Tile(key=key, title=title, hint=hint, count=counts[key], list_filter=LIST_FILTERS[key]))
            continue
        found = PREPARED_TILES[key, scope.everyone].rows(**scoped_values(scope, moment))
        if key == "reminders":
            count = counts["reminders"]
        else:
            total = found[0]["total"] if found else 0
            count = capped.figure(min(total, capped.CAP + 1), capped.CAP)
        items = [tile_item(key, row, links(row["reference"]), labels) for row in found]
        tiles.append(Tile(key=key, title=title, hint=hint, count=count, items=items))
    return tiles


def _tile_read(key: str) -> Callable[[Scope, Moment], QuerySet]:
    """The read of a tile's first rows (``tile_rows``)."""

    def read(scope: Scope, moment: Moment) -> QuerySet:
        return tile_rows(scope, moment)[key][:ITEMS_PER_TILE]

    return read


# Prepared: the seven tiles' queries, built and compiled on each request, were about a fifth of the page's time.
PREPARED_TILES = {
    (key, everyone): prepared
    for key, _title, _hint in TILES
    if key not in LIST_FILTERS
    for everyone, prepared in prepared_per_scope(Prepared, _tile_read(key)).items()
}
