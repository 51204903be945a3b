"""Exports: the case list as CSV, the de-identified research CSV, and the calendar feed (.ics).

The CSVs are generated row by row from a ``values_list()`` query read in chunks
(``iterator(chunk_size=...)``), with every join and count done by the database in that one
query: a hundred thousand rows never sit in memory, and no row costs a query of its own.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, tzinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cases.models import Case, CaseEvent, Participant
from notifications.calendar import calendar_bytes, meeting_event, shift_event
from questionnaires import research
from reconciliation.models import (
    CheckIn,
    ReconciliationPlan,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
    StepSkip,
)
from reconciliation.registry import REGISTRY

# Rows fetched from the database at a time, and written out at a time: the first rows of the
# file leave within milliseconds, and memory stays flat however many cases there are.
CHUNK_SIZE = 500
ROWS_PER_WRITE = 500
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- CSV plumbing


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[Iterable], *, excel_bom: bool = False) -> Iterator[str]:
    """The CSV text of ``header`` and ``rows``, a few hundred rows per piece, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if excel_bom:
        # Spreadsheet programs read the file as UTF-8 (accents in names) only with this mark.
        buffer.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(value) for value in row])
        if number % ROWS_PER_WRITE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _local(value: datetime | None, fmt: str = "%Y-%m-%d", zone: tzinfo | None = None) -> str:
    """``value`` in the current time zone (or ``zone``: a loop over many rows looks it up once)."""
    return value.astimezone(zone or timezone.get_current_timezone()).strftime(fmt) if value else ""


# ---------------------------------------------------------------- the case list

CASE_LIST_HEADER = [
    "Reference",
    "Customer",
    "Business",
    "Step",
    "Step name",
    "Status",
    "Risk",
    "Caseworker",
    "Opened",
    "Completed",
    "Last activity",
]


def _streamed(queryset: QuerySet) -> Iterator:
    """The rows of ``queryset``, fetched ``CHUNK_SIZE`` at a time while they are written out.

    Inside a transaction, PostgreSQL's cursor hands rows over as it finds them; outside one
    (autocommit), Django declares it WITH HOLD and PostgreSQL computes and stores every row
    before the first: a quarter of a second for 100,000 cases, and all of them in memory.
    """
    with transaction.atomic():
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)


def _in_pseudonym_order(cases: QuerySet[Case], fields: list[str]) -> Iterator[dict]:
    """The rows in the order of their pseudonyms, so that a row's place in the file (cases are
    numbered as they open) cannot tie a pseudonym back to a case. Only the ids are held in
    memory; the rows are read ``CHUNK_SIZE`` at a time."""
    ids = sorted(cases.order_by().values_list("pk", flat=True), key=pseudonym)
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        rows = {row["pk"]: row for row in cases.order_by().filter(pk__in=chunk).values(*fields)}
        yield from (rows[pk] for pk in chunk)


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def case_list_rows(cases: QuerySet[Case]) -> Iterator[list]:
    """Rows of the case list CSV for ``cases`` (a ``selectors.case_list`` queryset, filtered), in its order."""
    steps, statuses, risks = _labels(REGISTRY.choices()), _labels(Case.Status.choices), _labels(Case.Risk.choices)
    zone = timezone.get_current_timezone()
    rows = cases.values_list(
        "reference",
        "customer_name",
        "incident__business__name",
        "step",
        "status",
        "risk",
        "caseworker__username",
        "opened_at",
        "completed_at",
        "last_activity_at",
    )
    for reference, customer, business, step, status, risk, caseworker, opened, completed, active in _streamed(rows):
        yield [
            reference,
            customer or "",
            business,
            step,
            steps.get(step, step),
            statuses.get(status, status),
            risks.get(risk, risk),
            caseworker,
            _local(opened, zone=zone),
            _local(completed, zone=zone),
            _local(active, zone=zone),
        ]


# ---------------------------------------------------------------- the research export


def pseudonym(case_id: int) -> str:
    """A stable stand-in for a case id: an HMAC keyed by a setting, so it cannot be reversed or guessed."""
    digest = salted_hmac(
        "compassion.research-export.case", str(case_id), secret=settings.RESEARCH_PSEUDONYM_KEY, algorithm="sha256"
    )
    return "R-" + digest.hexdigest()[:16]


def person_pseudonym(participant_id: int) -> str:
    """A stable stand-in for a participant, keyed like the case's: several people of one case stay apart."""
    digest = salted_hmac(
        "compassion.research-export.person",
        str(participant_id),
        secret=settings.RESEARCH_PSEUDONYM_KEY,
        algorithm="sha256",
    )
    return "P-" + digest.hexdigest()[:16]


def research_answers_rows(cases: QuerySet[Case]) -> Iterator[list]:
    """The questionnaires' answers of the cases, of people who agreed to research (``questionnaires.research``)."""
    return research.answer_rows(cases, case_pseudonym=pseudonym, person_pseudonym=person_pseudonym)


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("case").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _month(value: datetime | None) -> str:
    return _local(value, "%Y-%m")


def _days(later: datetime | None, earlier: datetime | None) -> float | str:
    if later is None or earlier is None:
        return ""
    return round((later - earlier).total_seconds() / 86400, 1)


def research_header() -> list[str]:
    return [
        "case",
        "opened_month",
        "incident_month",
        "severity",
        "police_involved",
        "video_posted",
        "source",
        "risk",
        "safety_approval",
        "status",
        "step",
        "completed_month",
        "withdrawn_month",
        "closed_month",
        "days_to_complete",
        *[f"days_step_{step.number}" for step in REGISTRY],
        "steps_skipped",
        "agents",
        "agents_consented",
        "agents_no_contact",
        "business_consent",
        "plan_versions",
        "role_swap_hours_planned",
        "shifts_attended",
        "shifts_no_show",
        "shifts_declined",
        "shifts_cancelled",
        "hours_attended",
        "meeting",
        "meeting_format",
        "gratitude_expressed",
        "acknowledgment_expressed",
        "ownership_expressed",
        "commitments_agreed",
        *[f"checkin_{days}_days" for days in settings.CHECKIN_DAYS],
    ]


def research_rows(cases: QuerySet[Case]) -> Iterator[list]:
    """One row per case, with no name, contact, address, free text or exact date in it.

    Who: the case is a pseudonym (``pseudonym``); no participant, business or caseworker is
    named. When: months only; durations in days. What: codes and counts, never typed text.
    """
    case = OuterRef("pk")
    people = Participant.objects.filter(case=case)
    shifts = RoleSwapShift.objects.filter(case=case)
    entered = {
        f"entered_{step}": Subquery(
            CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STEP, to_value=str(step))
            .order_by("created_at")
            .values("created_at")[:1]
        )
        for step in [step.number for step in REGISTRY][1:]
    }
    checkins = {
        f"checkin_{days}": Subquery(CheckIn.objects.filter(case=case, days_after=days).values("state")[:1])
        for days in settings.CHECKIN_DAYS
    }
    annotated = cases.annotate(
        **entered,
        **checkins,
        withdrawn_at=Subquery(
            CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS, to_value=Case.Status.WITHDRAWN)
            .order_by("created_at")
            .values("created_at")[:1]
        ),
        approved=Exists(SafetyApproval.objects.filter(case=case)),
        skips=_count(StepSkip.objects.filter(case=case)),
        agents=_count(people.filter(role=Participant.Role.AGENT)),
        agents_consented=_count(people.filter(role=Participant.Role.AGENT, consent=Participant.Consent.GIVEN)),
        agents_no_contact=_count(people.filter(role=Participant.Role.AGENT, no_contact=True)),
        business_consent=Subquery(people.filter(role=Participant.Role.BUSINESS).values("consent")[:1]),
        plan_versions=_count(ReconciliationPlan.objects.filter(case=case)),
        hours_planned=Subquery(
            ReconciliationPlan.objects.filter(case=case).order_by("-version").values("role_swap_hours")[:1]
        ),
        shifts_attended=_count(shifts.filter(state=RoleSwapShift.State.ATTENDED)),
        shifts_no_show=_count(shifts.filter(state=RoleSwapShift.State.NO_SHOW)),
        shifts_declined=_count(shifts.filter(state=RoleSwapShift.State.DECLINED)),
        shifts_cancelled=_count(shifts.filter(state=RoleSwapShift.State.CANCELLED)),
        minutes_attended=Subquery(
            shifts.filter(state=RoleSwapShift.State.ATTENDED)
            .order_by()
            .values("case")
            .annotate(total=Sum("minutes_attended"))
            .values("total")[:1]
        ),
    )
    fields = [
        "pk",
        "opened_at",
        "incident__occurred_at",
        "incident__severity",
        "incident__police_involved",
        "incident__video_posted",
        "incident__source",
        "risk",
        "approved",
        "status",
        "step",
        "completed_at",
        "withdrawn_at",
        "closed_at",
        *entered,
        "skips",
        "agents",
        "agents_consented",
        "agents_no_contact",
        "business_consent",
        "plan_versions",
        "hours_planned",
        "shifts_attended",
        "shifts_no_show",
        "shifts_declined",
        "shifts_cancelled",
        "minutes_attended",
        "meeting__state",
        "meeting__format",
        "meeting__gratitude_expressed",
        "meeting__acknowledgment_expressed",
        "meeting__ownership_expressed",
        "commitment__agreed_at",
        *checkins,
    ]
    for row in _in_pseudonym_order(annotated, fields):
        held = row["meeting__state"] == RestorativeMeeting.State.HELD
        moments = [row["opened_at"], *(row[name] for name in entered), row["completed_at"]]
        yield [
            pseudonym(row["pk"]),
            _month(row["opened_at"]),
            _month(row["incident__occurred_at"]),
            row["incident__severity"],
            _yes_no(row["incident__police_involved"]),
            _yes_no(row["incident__video_posted"]),
            row["incident__source"],
            row["risk"],
            _yes_no(row["approved"]),
            row["status"],
            row["step"],
            _month(row["completed_at"]),
            _month(row["withdrawn_at"]),
            _month(row["closed_at"]),
            _days(row["completed_at"], row["opened_at"]),
            *(_days(later, earlier) for earlier, later in zip(moments, moments[1:], strict=False)),
            row["skips"],
            row["agents"],
            row["agents_consented"],
            row["agents_no_contact"],
            row["business_consent"] or "",
            row["plan_versions"],
            _hours(row["hours_planned"]) if row["hours_planned"] is not None else "",
            row["shifts_attended"],
            row["shifts_no_show"],
            row["shifts_declined"],
            row["shifts_cancelled"],
            _hours((row["minutes_attended"] or 0) / 60),
            row["meeting__state"] or "",
            row["meeting__format"] or "",
            _yes_no(row["meeting__gratitude_expressed"]) if held else "",
            _yes_no(row["meeting__acknowledgment_expressed"]) if held else "",
            _yes_no(row["meeting__ownership_expressed"]) if held else "",
            _yes_no(row["commitment__agreed_at"] is not None),
            *(row[name] or "" for name in checkins),
        ]


def _hours(value) -> str:
    return f"{float(value or 0):.1f}"


def _yes_no(value: bool | None) -> str:
    return "yes" if value else "no"


# ---------------------------------------------------------------- the calendar feed

FEED_PAST_DAYS = 7
# Shown as tentative: the business has not confirmed the time yet.
WAITING_SHIFT_STATES = (RoleSwapShift.State.PROPOSED, RoleSwapShift.State.COUNTER_PROPOSED)
FEED_SHIFT_STATES = (
    RoleSwapShift.State.PROPOSED,
    RoleSwapShift.State.COUNTER_PROPOSED,
    RoleSwapShift.State.CONFIRMED,
    RoleSwapShift.State.ATTENDED,
)


def feed_shifts(user: AbstractBaseUser, *, now: datetime) -> QuerySet[RoleSwapShift]:
    """The user's cases' shifts from a week ago on, except declined and cancelled ones."""
    return (
        RoleSwapShift.objects.filter(
            case__caseworker=user,
            state__in=FEED_SHIFT_STATES,
            starts_at__gte=now - timedelta(days=FEED_PAST_DAYS),
        )
        .exclude(case__status__in=Case.ENDED_STATUSES)
        .select_related("case", "business")
        .order_by("starts_at")
    )


def feed_meetings(user: AbstractBaseUser, *, now: datetime) -> QuerySet[RestorativeMeeting]:
    """The user's cases' meetings, scheduled or held, from a week ago on."""
    return (
        RestorativeMeeting.objects.filter(
            case__caseworker=user,
            state__in=[RestorativeMeeting.State.SCHEDULED, RestorativeMeeting.State.HELD],
            scheduled_at__gte=now - timedelta(days=FEED_PAST_DAYS),
        )
        .exclude(case__status__in=Case.ENDED_STATUSES)
        .select_related("case")
        .order_by("scheduled_at")
    )


def calendar_ics(*, user: AbstractBaseUser, now: datetime, site: str) -> bytes:
    """The feed as iCalendar text, with the same events as the e-mails' .ics files (same UIDs).

    ``site`` is the app's address (``https://cases.example.org/``), for a link back to the case.
    """
    events = []
    for item in [*feed_shifts(user, now=now), *feed_meetings(user, now=now)]:
        event = shift_event(item) if isinstance(item, RoleSwapShift) else meeting_event(item)
        event.add("url", site.rstrip("/") + item.case.get_absolute_url())
        if isinstance(item, RoleSwapShift) and item.state in WAITING_SHIFT_STATES:
            event.add("status", "TENTATIVE")
        events.append(event)
    return calendar_bytes(events, name="PLI: my shifts and meetings")
