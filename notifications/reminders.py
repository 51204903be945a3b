"""Which reminders a case should have, and the rows that follow them.

``sync_case(case)`` looks at the case as it is now and asks which reminders it wants: each
step of the program says so for itself (``Step.reminders`` in ``reconciliation/steps/``), and
the caseworker's "no activity" reminder is the case's own (below). It creates the missing
ones, moves a scheduled one whose date changed, and cancels the scheduled ones no longer
wanted. It is idempotent: the services call it after every change (the ``case_changed`` hook
of ``cases/hooks.py``), and the dispatcher calls it again just before sending, which also
catches changes made elsewhere (a case paused, withdrawn or closed).

The rules (delays from ``settings.REMINDER_DELAYS``) are in the README's table "Reminders and
e-mail"; each step writes its own in ``reconciliation/steps/``. The caseworker's "no activity
for 14 days" is the case's own (``_idle`` below).

``notify()`` adds a one-off notification (a personal link e-mailed by the caseworker); the
dispatcher adds "failed" notices for the caseworker. Both go through the same sending path.

A reminder's ``key`` is ``<series>@<generation>``: the series says what it is (kind,
recipient, what it is about, which of several), the generation for which date (the shift's
start, the case's last activity). A series has at most one scheduled reminder; when the date
moves, that reminder is moved rather than a new one added.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from celery import current_app
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from cases.models import Case, Participant
from cases.services import WorkflowError
from reconciliation import workflow
from reconciliation.models import CheckIn, PersonalTime, ReconciliationPlan, RoleSwapShift
from reconciliation.registry import REGISTRY, RuleRows
from reconciliation.reminder_rules import Wanted, delay, series_of, stamp
from reconciliation.reminder_rules import about as about_of

from .models import Reminder

logger = logging.getLogger(__name__)

DISPATCH_TASK = "notifications.dispatch_due_reminders"  # notifications.tasks

Kind = Reminder.Kind

# Kinds that exist because of the case's state: sync_case creates and cancels them.
RULE_KINDS = frozenset(
    {
        Kind.REFLECTION,
        Kind.SIGNOFF,
        Kind.SIGNOFF_REQUESTED,
        Kind.SHIFT_PROPOSED,
        Kind.SHIFT_UNCONFIRMED,
        Kind.SHIFT_TOMORROW,
        Kind.SHIFT_CONFIRMED,
        Kind.MEETING_TOMORROW,
        Kind.MEETING_SCHEDULED,
        Kind.COMMITMENTS_READY,
        Kind.CHECKIN,
        Kind.IDLE,
        Kind.PERSONAL_TIME_PROPOSED,
        Kind.PERSONAL_TIME_TOMORROW,
    }
)
# One-off notifications, queued by notify(): they are not computed from the case's state.
NOTICE_KINDS = frozenset({Kind.LINK, Kind.FAILED})
# Reminders an app above schedules and cancels itself for a participant (remind_once,
# reminders_cancel): the questionnaires' "questions waiting". Sent like the others; cancelled
# when the case ends.
OWNED_KINDS = frozenset({Kind.QUESTIONNAIRE})
# Kinds that carry a calendar file.
CALENDAR_KINDS = frozenset(
    {
        Kind.SHIFT_PROPOSED,
        Kind.SHIFT_UNCONFIRMED,
        Kind.SHIFT_TOMORROW,
        Kind.SHIFT_CONFIRMED,
        Kind.MEETING_TOMORROW,
        Kind.MEETING_SCHEDULED,
        Kind.PERSONAL_TIME_PROPOSED,
        Kind.PERSONAL_TIME_TOMORROW,
    }
)
# While a case is paused, its reminders wait (they are not sent, not cancelled).
WAITING_STATUSES = frozenset({Case.Status.PAUSED})


def channel_series(series: str, channel: str) -> str:
    """A reminder's series by one channel: e-mail keeps the series (and the keys it always had), a
    text is a series of its own, so that each is scheduled, moved, sent and retried once."""
    return series if channel == Reminder.Channel.EMAIL else f"{series}~{channel}"


@dataclass(frozen=True)
class ByChannel:
    """A reminder the rules want, by one of the person's channels."""

    want: Wanted
    channel: str

    @property
    def series(self) -> str:
        return channel_series(self.want.series, self.channel)

    @property
    def key(self) -> str:
        return f"{self.series}@{self.want.generation}"

    @property
    def due_at(self) -> datetime:
        return self.want.due_at


def by_channel(wanted: Iterable[Wanted]) -> list[ByChannel]:
    """Each wanted reminder once for each channel its person's messages go by (staff: e-mail)."""
    return [
        ByChannel(want, channel)
        for want in wanted
        for channel in (want.participant.channels if want.participant is not None else [Reminder.Channel.EMAIL])
    ]


def reminder_row(want: Wanted | ByChannel, case: Case) -> Reminder:
    """The (unsaved) row of a reminder the rules want."""
    channel = want.channel if isinstance(want, ByChannel) else Reminder.Channel.EMAIL
    key = want.key
    want = want.want if isinstance(want, ByChannel) else want
    return Reminder(
        case=case,
        channel=channel,
        kind=want.kind,
        participant=want.participant,
        user_id=want.user_id,
        shift=want.shift,
        plan=want.plan,
        checkin=want.checkin,
        personal_time=want.personal_time,
        key=key,
        due_at=want.due_at,
        next_attempt_at=want.due_at,
    )


# ---------------------------------------------------------------- the rules


def _idle(case: Case) -> list[Wanted]:
    """The caseworker, when an open case has had no activity for 14 days."""
    due = case.last_activity_at + delay("idle")
    return [Wanted(Kind.IDLE, due, user_id=case.caseworker_id, generation=stamp(case.last_activity_at))]


def wanted_for(case: Case, now: datetime | None = None) -> list[Wanted]:
    """Every reminder the rules want for the case as it is now (sent ones included)."""
    now = now or timezone.now()
    if case.status in Case.ENDED_STATUSES:
        return []
    snap = workflow.snapshot(case)
    if case.status == Case.Status.COMPLETED:
        return wanted_in(snap, shifts=[], checkins=list(case.checkins.all()), now=now)
    shifts = list(case.shifts.filter(state__in=[RoleSwapShift.State.PROPOSED, RoleSwapShift.State.CONFIRMED]))
    times = list(case.personal_times.filter(state__in=PersonalTime.OPEN_STATES))
    return wanted_in(snap, shifts=shifts, checkins=[], personal_times=times, now=now)


def wanted_in(
    snap: workflow.CaseSnapshot,
    *,
    shifts: list[RoleSwapShift],
    checkins: list[CheckIn],
    now: datetime,
    personal_times: list[PersonalTime] = (),
) -> list[Wanted]:
    """The rules of ``wanted_for`` on rows already loaded: the case's snapshot, shifts and check-ins.

    Each step of the program says what it wants (``Step.reminders``); the caseworker's "no
    activity" reminder is the case's own. Generated demo cases (``demo.bulk``) get their
    reminders from here, in bulk.
    """
    case = snap.case
    if case.status in Case.ENDED_STATUSES:
        return []
    if case.status == Case.Status.COMPLETED:
        shifts, personal_times, idle = [], [], []  # only its check-ins go on
    else:
        checkins, idle = [], _idle(case)
    shifts = [shift for shift in shifts if shift.state in {RoleSwapShift.State.PROPOSED, RoleSwapShift.State.CONFIRMED}]
    personal_times = [time for time in personal_times if time.state in PersonalTime.OPEN_STATES]
    rows = RuleRows(shifts=shifts, checkins=checkins, personal_times=personal_times, now=now)
    wanted = (want for step in REGISTRY for want in step.reminders(snap, rows))
    # Nobody who asked not to be contacted, or to talk to someone first, gets a reminder.
    return [*(want for want in wanted if want.participant is None or want.participant.hears_from_us), *idle]


# ---------------------------------------------------------------- keeping the rows in line


def _series(reminder: Reminder) -> str:
    return reminder.key.rsplit("@", 1)[0]


def _cancel_reason(case: Case) -> str:
    if case.status in {Case.Status.WITHDRAWN, Case.Status.CLOSED, Case.Status.COMPLETED}:
        return f"The case is {case.get_status_display().lower()}."
    return "No longer needed: what it was about has changed."


@transaction.atomic
def sync_case(case: Case, now: datetime | None = None, *, nudge: bool = True) -> None:
    """Bring the case's reminders in line with its state (see the module's docstring). Idempotent.

    ``case`` must be fresh from the database (services pass the case they locked).

    Rows that a dispatcher is sending at this moment are locked by it and left alone. With
    ``nudge``, a reminder that is due at once makes a worker look for due reminders on commit.
    """
    now = now or timezone.now()
    missing, unwanted = _differences(case, wanted_for(case, now), list(case.reminders.all()))
    if missing or unwanted:
        _bring_in_line(case, now, missing, unwanted, nudge=nudge)


def sync_cases(cases: list[Case], now: datetime) -> int:
    """``sync_case`` for many cases at once, reading what the rules look at in a fixed number of queries.

    For the dispatcher: ``cases`` are locked and were loaded ``workflow.with_snapshot``. A
    case whose reminders are already in line (nearly all) costs no query of its own; its reminders are
    read as plain rows (no model each) of what ``_differences`` compares. Returns how many cases had theirs changed.
    """
    ids = [case.pk for case in cases]
    snaps = workflow.snapshots(cases)
    shifts = _by_case(
        RoleSwapShift.objects.filter(
            case_id__in=ids, state__in=[RoleSwapShift.State.PROPOSED, RoleSwapShift.State.CONFIRMED]
        )
    )
    checkins = _by_case(CheckIn.objects.filter(case_id__in=ids, case__status=Case.Status.COMPLETED))
    times = _by_case(PersonalTime.objects.filter(case_id__in=ids, state__in=PersonalTime.OPEN_STATES))
    compared = ("pk", "case_id", "key", "state", "kind")  # all that _differences and _bring_in_line read
    existing = _by_case(Reminder.objects.filter(case_id__in=ids).values_list(*compared, named=True))
    changed = 0
    for case in cases:
        wanted = wanted_in(
            snaps[case.pk],
            shifts=shifts.get(case.pk, []),
            checkins=checkins.get(case.pk, []),
            personal_times=times.get(case.pk, []),
            now=now,
        )
        missing, unwanted = _differences(case, wanted, existing.get(case.pk, []))
        if missing or unwanted:
            with transaction.atomic():
                _bring_in_line(case, now, missing, unwanted, nudge=False)
            changed += 1
    return changed


def _by_case(rows) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in rows.order_by("pk"):
        out.setdefault(row.case_id, []).append(row)
    return out


def _differences(
    case: Case, wanted: list[Wanted], existing: list[Reminder]
) -> tuple[list[ByChannel], list[Reminder]]:
    """The reminders the rules want that the case lacks, and its scheduled ones they no longer want."""
    wanted_keys = {w.key: w for w in by_channel(wanted)}
    by_key = {r.key: r for r in existing}
    scheduled = [r for r in existing if r.state == Reminder.State.SCHEDULED]
    missing = [w for key, w in wanted_keys.items() if key not in by_key]
    unwanted = [r for r in scheduled if r.kind in RULE_KINDS and r.key not in wanted_keys]
    unwanted += [r for r in scheduled if r.kind not in RULE_KINDS and not _notice_relevant(r, case)]
    return missing, unwanted


def _bring_in_line(
    case: Case, now: datetime, missing: list[ByChannel], unwanted: list[Reminder], *, nudge: bool
) -> None:
    """Create the missing reminders, move or cancel the unwanted ones (inside the caller's transaction)."""
    free = set(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(pk__in=[r.pk for r in unwanted], state=Reminder.State.SCHEDULED)
        .values_list("pk", flat=True)
    )
    movable = {_series(r): r for r in unwanted if r.pk in free and r.kind in RULE_KINDS}
    to_create = []
    for want in missing:
        reminder = movable.pop(want.series, None)
        if reminder is None:
            to_create.append(reminder_row(want, case))
            continue
        # Same reminder, new date (the shift moved, the case saw activity): move it.
        free.discard(reminder.pk)
        Reminder.objects.filter(pk=reminder.pk).update(
            key=want.key, due_at=want.due_at, next_attempt_at=want.due_at, attempts=0, last_error=""
        )
    if free:
        Reminder.objects.filter(pk__in=free, state=Reminder.State.SCHEDULED).update(
            state=Reminder.State.CANCELLED, cancelled_at=now, cancel_reason=_cancel_reason(case)
        )
    if to_create:
        # A concurrent sync may have created the same row: the unique key makes that harmless.
        Reminder.objects.bulk_create(to_create, ignore_conflicts=True)
    if nudge and any(w.due_at <= now for w in missing):
        dispatch_soon()


def _notice_relevant(reminder: Reminder, case: Case) -> bool:
    """A one-off notification still makes sense: its case is not over."""
    return case.status not in Case.ENDED_STATUSES


# ---------------------------------------------------------------- one-off notifications


def notify(
    *,
    case: Case,
    kind: str,
    participant: Participant | None = None,
    user: AbstractBaseUser | None = None,
    about: models.Model | None = None,
    again: bool = False,
) -> Reminder:
    """Queue a one-off e-mail to a participant or a staff user, sent within seconds.

    ``kind`` "link" e-mails the participant a fresh personal link; "failed" tells the
    caseworker that the reminder ``about`` could not be sent. Asking twice in the same minute
    (a double click) queues one e-mail, unless ``again`` says that a second one is wanted.
    Shift proposals and sign-off requests need no call:
    they follow from the case's state (``sync_case``).
    """
    if (participant is None) == (user is None):
        raise ValueError("A notification goes to exactly one participant or one user.")
    if participant is not None and participant.case_id != case.pk:
        raise WorkflowError("That person is not part of this case.")
    if kind not in NOTICE_KINDS:
        raise ValueError(f"notify() queues {' or '.join(sorted(NOTICE_KINDS))} e-mails, not {kind!r}.")
    if case.status in Case.ENDED_STATUSES:
        raise WorkflowError(f"The case is {case.get_status_display().lower()}: no e-mail is sent for it.")
    if participant is not None and participant.contact_stopped_at:
        raise WorkflowError(f"{participant.name} asked not to be contacted: no e-mail is sent to them.")
    fields = {
        "shift": about if isinstance(about, RoleSwapShift) else None,
        "plan": about if isinstance(about, ReconciliationPlan) else None,
        "checkin": about if isinstance(about, CheckIn) else None,
        "failed_reminder": about if isinstance(about, Reminder) else None,
    }
    now = timezone.now()
    series = series_of(
        kind=kind,
        participant_id=participant.pk if participant else None,
        user_id=user.pk if user else None,
        about=about_of(fields["shift"], fields["plan"], fields["checkin"], fields["failed_reminder"]),
        slot="notice",
    )
    if kind == Kind.FAILED:
        generation = ""
    else:  # to the minute, so that a double click queues one; to the microsecond when asked again
        generation = stamp(now) if again else stamp(now, "%Y%m%dT%H%M")
    channels = participant.channels if participant is not None else [Reminder.Channel.EMAIL]
    queued = [
        Reminder.objects.get_or_create(
            case=case,
            key=f"{channel_series(series, channel)}@{generation}",
            defaults={
                "kind": kind,
                "participant": participant,
                "user": user,
                "channel": channel,
                "due_at": now,
                "next_attempt_at": now,
                **fields,
            },
        )[0]
        for channel in channels
    ]
    dispatch_soon()
    return queued[0]


# ---------------------------------------------------------------- a staff member's own reminders

# Reminders that an app above schedules for a staff member about something of its own (a task
# overdue): they follow that thing, not the case's state, so ``sync_case`` leaves them be (and
# cancels them only when the case ends).
STAFF_KINDS = frozenset({Kind.TASK_OVERDUE})


def staff_reminder_series(*, kind: str, user_id: int, about: str) -> str:
    return series_of(kind=kind, participant_id=None, user_id=user_id, about=about)


def staff_reminder_schedule(*, case: Case, kind: str, user: AbstractBaseUser, about: str, due_at: datetime) -> Reminder:
    """Schedule a reminder to ``user`` about ``about`` (an app's own name for the thing, such as
    ``task12``) at ``due_at``; asked twice, it is the same one (its key): it is sent once."""
    if kind not in STAFF_KINDS:
        raise ValueError(f"staff_reminder_schedule() schedules {' or '.join(sorted(STAFF_KINDS))}, not {kind!r}.")
    series = staff_reminder_series(kind=kind, user_id=user.pk, about=about)
    reminder, _created = Reminder.objects.get_or_create(
        case=case,
        key=f"{series}@{stamp(due_at)}",
        defaults={"kind": kind, "user": user, "due_at": due_at, "next_attempt_at": due_at},
    )
    if due_at <= timezone.now():
        dispatch_soon()
    return reminder


def staff_reminder_cancel(*, case: Case, kind: str, user_id: int, about: str, reason: str) -> int:
    """Cancel the scheduled reminders of ``staff_reminder_schedule`` for ``about``; how many."""
    series = staff_reminder_series(kind=kind, user_id=user_id, about=about)
    return Reminder.objects.filter(case=case, key__startswith=f"{series}@", state=Reminder.State.SCHEDULED).update(
        state=Reminder.State.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason
    )


def staff_reminder_about(reminder: Reminder) -> str:
    """What a staff reminder is about (the ``about`` it was scheduled with)."""
    return reminder.key.rsplit("@", 1)[0].split(":")[2]


# ---------------------------------------------------------------- a participant's reminders kept by the apps above


def _owned_key(kind: str, participant_id: int, slot: str, channel: str) -> str:
    series = series_of(kind=kind, participant_id=participant_id, user_id=None, about="", slot=slot)
    return f"{channel_series(series, channel)}@"


def remind_once(*, case: Case, kind: str, participant: Participant, due_at: datetime, slot: str) -> list[Reminder]:
    """Schedule one reminder to a participant about something an app above keeps (named by ``slot``),
    by each channel their messages go by.

    Once: asking again, even after it was sent or cancelled, changes nothing. Nobody who asked
    not to be contacted, or to talk to someone first, is reminded; nor anyone of an ended case.
    """
    if kind not in OWNED_KINDS:
        raise ValueError(f"remind_once() schedules {' or '.join(sorted(OWNED_KINDS))} reminders, not {kind!r}.")
    if case.status in Case.ENDED_STATUSES or not participant.hears_from_us:
        return []
    made = [
        Reminder.objects.get_or_create(
            case=case,
            key=_owned_key(kind, participant.pk, slot, channel),
            defaults={
                "kind": kind,
                "participant": participant,
                "channel": channel,
                "due_at": due_at,
                "next_attempt_at": due_at,
            },
        )
        for channel in participant.channels
    ]
    if any(created for _reminder, created in made) and due_at <= timezone.now():
        dispatch_soon()
    return [reminder for reminder, _created in made]


def reminders_cancel(*, case: Case, kind: str, wanted_gone: list[tuple[int, str]], reason: str) -> int:
    """Cancel the scheduled reminders ``remind_once`` made for these (participant id, slot) pairs, by any channel."""
    if not wanted_gone:
        return 0
    keys = [
        _owned_key(kind, participant_id, slot, channel)
        for participant_id, slot in wanted_gone
        for channel in Reminder.Channel.values
    ]
    return Reminder.objects.filter(case=case, key__in=keys, state=Reminder.State.SCHEDULED).update(
        state=Reminder.State.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason
    )


# ---------------------------------------------------------------- waking a worker


def dispatch_soon() -> None:
    """Once the current transaction commits, ask a worker to send what is due.

    Only a nudge: if the broker cannot be reached, the beat pass sends it within a minute.
    A transaction that made many reminders due queues as many nudges; a pass that finds
    nothing left to send costs a query or two.
    """
    transaction.on_commit(_enqueue_dispatch)


def _enqueue_dispatch() -> None:
    # By its name: the task (notifications.tasks) sends through this module, so importing it
    # here would close a loop. apps.py imports it at start-up, so it is always registered.
    try:
        current_app.tasks[DISPATCH_TASK].apply_async(retry=False)
    except Exception:  # the broker is down: the row is safe, beat catches up
        logger.warning("Could not queue a reminder dispatch; the next beat pass will send it.", exc_info=True)
