"""One pass of the reminder dispatcher: send what is due, exactly once, and retry what failed.

Celery beat runs a pass every minute (``notifications.tasks``); ``manage.py
send_due_reminders`` runs one by hand. A pass:

1. brings the reminders of every case with something due in line with the case
   (``reminders.sync_cases``, a hundred cases at a time under their row locks): nothing is
   sent about a shift that was confirmed meanwhile, or for a case that was withdrawn;
2. claims the due reminders fifty at a time (``claim``): one short transaction locks them
   with ``SELECT … FOR UPDATE SKIP LOCKED`` and leases them (``claimed_until``, a little
   longer than a pass), so that other dispatchers leave them alone, then one query reads them
   with everything their e-mails show;
3. sends each claimed reminder in a transaction of its own: its personal link is saved, the
   reminder is marked sent (one statement, which also takes the row's lock and checks that
   the claim still holds: still scheduled, not moved, not claimed by someone else since, its
   case not paused), the e-mail is handed to the mail server, and the transaction commits.
   If the claim no longer holds, nothing is sent. A failure is recorded on that reminder
   alone and tried again after ``REMINDER_BACKOFF_MINUTES``; after ``REMINDER_MAX_ATTEMPTS``
   it is failed, and the caseworker gets a notice. A recipient without an e-mail address
   fails at once. What a pass could not get to in time goes back (its lease is lifted).

Exactly once. The lease only keeps dispatchers out of each other's way; what makes an e-mail
go once is that it is sent between the statement that marks it sent (under the row's lock,
if the claim still holds) and the commit. The one window left: if the process dies after the
mail server accepted the e-mail but before the commit, the row is still scheduled and the
e-mail is sent again once the lease has run out (``claim_lease``: under two minutes). Both
copies carry the same Message-ID, derived from the reminder's id, so the second is
recognisable. A process killed at any other moment sends nothing twice: a reminder it had
claimed and not sent waits for the end of the lease, then goes once.

On PostgreSQL, each e-mail is recorded in one statement whose commit does not wait for the disk
(``notifications/one_statement.py``). This changes nothing when a worker dies: a commit it was
told of is in the database server's hands. If the database server itself crashes (power loss, a
killed postmaster), the commits of its last fraction of a second (at most three times
``wal_writer_delay``, 0.6 s by default) can be lost: the e-mails they recorded are scheduled
again after the restart and a later pass sends them again, with the same Message-ID and, for
participants, a new personal link (the first copy's link was lost with its commit and no longer
opens the portal). On SQLite (the embedded default, one worker) there is no row lock and every
commit waits for the disk; the claims work the same.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.contact import Contact, case_contact
from cases.models import AccessLink, Case
from cases.services import WorkflowError
from reconciliation import workflow

from . import one_statement, reminders
from .channels import CHANNELS, NoAddress
from .models import Reminder

logger = logging.getLogger(__name__)

SENT, RETRY, FAILED, CANCELLED, ERROR, WAITING = "sent", "retry", "failed", "cancelled", "error", "waiting"


@dataclass
class PassResult:
    outcomes: dict[str, int] = field(
        default_factory=lambda: {SENT: 0, RETRY: 0, FAILED: 0, CANCELLED: 0, ERROR: 0, WAITING: 0}
    )

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] += 1

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def __str__(self) -> str:
        return ", ".join(
            f"{number} {outcome}" for outcome, number in self.outcomes.items() if number or outcome == SENT
        )


def due(now: datetime) -> QuerySet[Reminder]:
    """Reminders to send now that no other dispatcher holds. Those of a paused case wait, except
    the caseworker's own notices."""
    return (
        Reminder.objects.filter(state=Reminder.State.SCHEDULED, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .exclude(case__status__in=reminders.WAITING_STATUSES, kind__in=reminders.RULE_KINDS)
    )


# Reminders claimed at once: one claim (three short queries) for fifty e-mails.
CLAIM_AT_ONCE = 50
# What the e-mails show, read with the batch in one query.
DELIVERY_RELATIONS = (
    "case__incident__business",
    "case__caseworker__staff_contact",
    "case__meeting",
    "participant",
    "user",
    "shift",
    "plan",
    "checkin",
    "personal_time__agent",
    "failed_reminder__participant",
    "failed_reminder__user",
)


def claim_lease() -> timedelta:
    """How long other dispatchers leave a claimed reminder alone.

    A pass starts no e-mail after ``REMINDER_PASS_SECONDS`` and the last one takes at most
    ``EMAIL_TIMEOUT``: the lease outlasts both, so a live worker keeps what it claimed, and
    what a dead one had claimed is sent by a pass after the lease.
    """
    return timedelta(seconds=settings.REMINDER_PASS_SECONDS + settings.EMAIL_TIMEOUT + 30)


def reminders_dispatch(*, now: datetime | None = None) -> PassResult:
    """One pass: sync the cases with due reminders, then send each due reminder once."""
    started = time.monotonic()
    now = now or timezone.now()
    result = PassResult()
    limit = settings.REMINDER_BATCH_SIZE
    _sync(list(due(now).order_by().values_list("case_id", flat=True).distinct()[:limit]), now)
    # Those handled in this pass that are still scheduled (to retry, or tripped a bug): not again.
    again_later: set[int] = set()
    in_time = True
    while in_time and result.total < limit:
        batch = claim(now, min(CLAIM_AT_ONCE, limit - result.total), exclude=again_later)
        if not batch:
            break
        unfinished = []  # claims to give back at the end of the batch
        for reminder in batch:
            in_time = in_time and time.monotonic() - started < settings.REMINDER_PASS_SECONDS
            if not in_time:
                unfinished.append(reminder)
                continue
            try:
                outcome = _deliver(reminder)
            except Exception:  # a bug with this one reminder must not stop the others
                logger.exception("Reminder %s could not be handled; it stays scheduled.", reminder.pk)
                outcome = ERROR
            if outcome in {None, ERROR}:
                unfinished.append(reminder)
            if outcome in {RETRY, ERROR, WAITING}:
                again_later.add(reminder.pk)
            if outcome is not None:
                result.count(outcome)
        _release(unfinished)
    if result.total:
        logger.info("Reminder dispatch: %s.", result)
    return result


def claim(now: datetime, count: int, *, exclude: Iterable[int] = ()) -> list[Reminder]:
    """Claim up to ``count`` due reminders for this dispatcher; read them with what their e-mails show.

    One short transaction: the due rows are locked with ``SKIP LOCKED`` (a dispatcher claiming
    at the same moment takes others) and leased until ``claimed_until``, which keeps them out
    of ``due()`` for every other dispatcher. Nothing is sent here.
    """
    claimed_until = timezone.now() + claim_lease()
    with transaction.atomic():
        ids = list(
            due(now)
            .exclude(pk__in=exclude)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:count]
        )
        if not ids:
            return []
        Reminder.objects.filter(pk__in=ids).update(claimed_until=claimed_until)
    batch = list(
        Reminder.objects.filter(pk__in=ids, claimed_until=claimed_until)
        .select_related(*DELIVERY_RELATIONS)
        .order_by("next_attempt_at", "id")
    )
    contacts: dict[int | None, Contact] = {}
    for reminder in batch:
        # The same case everywhere: no query to read it again for the link or the calendar file.
        for related in (reminder.participant, reminder.shift, reminder.personal_time, reminder.failed_reminder):
            if related is not None:
                related.case = reminder.case
        if reminder.participant_id is not None:
            # Whom a participant asks (their e-mail and text name them): worked out once per caseworker.
            caseworker = reminder.case.caseworker_id
            if caseworker not in contacts:
                contacts[caseworker] = case_contact(reminder.case)
            reminder.case.batch_contact = contacts[caseworker]
    return batch


def _release(unfinished: list[Reminder]) -> None:
    """Lift the claims of reminders of one batch not handled (time was up, a bug): the next pass takes them."""
    if unfinished:
        # Only while the claim is still ours: after the lease, another dispatcher may hold it.
        claimed_until = unfinished[0].claimed_until
        Reminder.objects.filter(pk__in=[reminder.pk for reminder in unfinished], claimed_until=claimed_until).update(
            claimed_until=None
        )


SYNC_CASES_AT_ONCE = 100


def _sync(case_ids: list[int], now: datetime) -> None:
    """Bring the reminders of these cases in line, a hundred cases at a time under their row locks.

    What the rules look at is read for the hundred at once (``reminders.sync_cases``): a pass
    over a thousand due reminders costs a few dozen queries here, not ten per case.
    """
    for start in range(0, len(case_ids), SYNC_CASES_AT_ONCE):
        with transaction.atomic():
            cases = list(
                workflow.with_snapshot(Case.objects.filter(pk__in=case_ids[start : start + SYNC_CASES_AT_ONCE]))
                .select_related("caseworker")
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            reminders.sync_cases(cases, now)


class _NotOurs(Exception):
    """The reminder changed since it was claimed: this claim does not send it."""


def _deliver(reminder: Reminder) -> str | None:
    """Send one claimed reminder by its channel and record what happened; None when it is no longer ours to send.

    A text that would go out at night waits for the morning (``Channel.wait_until``). Else one
    transaction: the personal link saved and the reminder marked sent, if the claim still
    holds (``_record_sent``, which takes the row's lock); the message handed to the mail server
    or the gateway (whose id for it is kept); the commit.
    """
    channel = CHANNELS[reminder.channel]
    sent_at = timezone.now()
    if (morning := channel.wait_until(reminder, sent_at)) is not None:
        return _record(reminder, _wait, morning)
    try:
        with transaction.atomic():
            message, link = channel.render(reminder, sent_at=sent_at)
            if not _record_sent(reminder, link, sent_at):
                raise _NotOurs
            if external_id := channel.send(message):
                Reminder.objects.filter(pk=reminder.pk).update(external_id=external_id[:64])
    except _NotOurs:
        return None
    except NoAddress as error:
        return _record(reminder, _fail, str(error))
    except WorkflowError as error:  # the case was closed between the claim and now; a STOP to texts
        return _record(reminder, _cancel, error.messages[0])
    except Exception as error:  # SMTP and gateway errors, timeouts, refused connections, and our own bugs
        if channel.is_permanent(error):
            return _record(reminder, _fail, str(error)[:1000])
        logger.warning("Reminder %s (%s) could not be sent.", reminder.pk, reminder.case.reference, exc_info=True)
        return _record(reminder, _retry_or_fail, error)
    return SENT


def _record_sent(reminder: Reminder, link: AccessLink | None, sent_at: datetime) -> bool:
    """Save the e-mail's link and mark the reminder sent, if the claim still holds; False if it does not.

    The caller rolls back on False (the link goes too). On PostgreSQL this is one statement
    (``notifications/one_statement.py``, the dispatcher's one speed trick, and why).
    """
    if connection.vendor == "postgresql":
        return one_statement.record_sent(reminder, link, sent_at)
    if link is not None:
        link.save()  # with its history row
    marked = _still_ours(reminder).update(
        state=Reminder.State.SENT,
        sent_at=sent_at,
        attempts=reminder.attempts + 1,
        access_link=link,
        claimed_until=None,
    )
    return bool(marked)


def _still_ours(reminder: Reminder) -> QuerySet[Reminder]:
    """The reminder's row if it is as it was claimed: scheduled, not moved, still claimed by us,
    and (for the rules' reminders) its case not paused meanwhile."""
    rows = Reminder.objects.filter(
        pk=reminder.pk,
        state=Reminder.State.SCHEDULED,
        next_attempt_at=reminder.next_attempt_at,
        claimed_until=reminder.claimed_until,
    )
    if reminder.kind in reminders.RULE_KINDS:
        rows = rows.exclude(Exists(Case.objects.filter(pk=OuterRef("case_id"), status__in=reminders.WAITING_STATUSES)))
    return rows


def _record(reminder: Reminder, record: Callable[[Reminder, Any], str], detail: Any) -> str | None:
    """Record an attempt that did not send the e-mail, under the row's lock, if the claim still holds."""
    with transaction.atomic():
        if not _still_ours(reminder).select_for_update().exists():
            return None
        return record(reminder, detail)


def _cancel(reminder: Reminder, reason: str) -> str:
    _set(
        reminder, state=Reminder.State.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason, claimed_until=None
    )
    return CANCELLED


def _wait(reminder: Reminder, until: datetime) -> str:
    """Not now (the night, for a text): the same reminder goes at ``until``, no attempt counted."""
    _set(reminder, next_attempt_at=until, claimed_until=None)
    return WAITING


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _retry_or_fail(reminder: Reminder, error: Exception) -> str:
    attempts = reminder.attempts + 1
    if attempts >= settings.REMINDER_MAX_ATTEMPTS:
        return _fail(reminder, _describe(error), attempts=attempts)
    backoff = settings.REMINDER_BACKOFF_MINUTES
    wait = timedelta(minutes=backoff[min(attempts, len(backoff)) - 1])
    _set(
        reminder,
        attempts=attempts,
        last_error=_describe(error),
        next_attempt_at=timezone.now() + wait,
        claimed_until=None,
    )
    return RETRY


def _fail(reminder: Reminder, reason: str, *, attempts: int | None = None) -> str:
    """Failed for good: the caseworker sees it on the case page and gets a notice (never about a notice)."""
    _set(
        reminder,
        state=Reminder.State.FAILED,
        attempts=attempts if attempts is not None else reminder.attempts + 1,
        last_error=reason,
        claimed_until=None,
    )
    logger.warning("Reminder %s (%s) failed: %s", reminder.pk, reminder.case.reference, reason)
    case = reminder.case
    if reminder.kind != Reminder.Kind.FAILED and reminder.user_id != case.caseworker_id:
        try:
            reminders.notify(case=case, kind=Reminder.Kind.FAILED, user=case.caseworker, about=reminder)
        except WorkflowError:
            pass  # the case is over: nobody needs the notice
    return FAILED


def _set(reminder: Reminder, **values) -> None:
    for name, value in values.items():
        setattr(reminder, name, value)
    reminder.save(update_fields=list(values))
