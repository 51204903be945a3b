"""One pass of the reminder dispatcher: send what is due, exactly once, and retry what failed.

Celery beat runs a pass every minute (``reconciliation.tasks``); ``manage.py
send_due_reminders`` runs one by hand. A pass:

1. brings the reminders of every case with something due in line with the case
   (``reminders.sync_cases``, a hundred cases at a time under their row locks): nothing is
   sent about a shift that was confirmed meanwhile, or for a case that was withdrawn;
2. then, one reminder at a time, each in its own transaction: claims the next due one with
   ``SELECT … FOR UPDATE SKIP LOCKED`` (another dispatcher skips it), sends it, and marks
   it sent before the commit. A failure is recorded on that reminder alone and tried again
   after ``REMINDER_BACKOFF_MINUTES``; after ``REMINDER_MAX_ATTEMPTS`` it is failed, and the
   caseworker gets a notice. A recipient without an e-mail address fails at once.

Exactly once, and the one window left: if the process dies after the mail server accepted
the e-mail but before the commit, the row is still scheduled (its lock dies with the
connection) and the e-mail is sent again after the restart. Both copies carry the same
Message-ID, derived from the reminder's id, so the second is recognisable. A process killed
at any other moment loses nothing and sends nothing twice. On SQLite (the embedded default,
one worker) the row lock is not needed.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import AccessLink, Case
from cases.services import WorkflowError

from . import reminders, workflow
from .emails import NoAddress, reminder_email
from .models import Reminder

logger = logging.getLogger(__name__)

SENT, RETRY, FAILED, CANCELLED, ERROR = "sent", "retry", "failed", "cancelled", "error"


@dataclass
class PassResult:
    outcomes: dict[str, int] = field(default_factory=lambda: {SENT: 0, RETRY: 0, FAILED: 0, CANCELLED: 0, ERROR: 0})

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
    """Reminders to send now. Those of a paused case wait, except the caseworker's own notices."""
    return Reminder.objects.filter(state=Reminder.State.SCHEDULED, next_attempt_at__lte=now).exclude(
        case__status__in=reminders.WAITING_STATUSES, kind__in=reminders.RULE_KINDS
    )


def reminders_dispatch(*, now: datetime | None = None) -> PassResult:
    """One pass: sync the cases with due reminders, then send each due reminder once."""
    started = time.monotonic()
    now = now or timezone.now()
    result = PassResult()
    limit = settings.REMINDER_BATCH_SIZE
    _sync(list(due(now).order_by().values_list("case_id", flat=True).distinct()[:limit]), now)
    # Those handled in this pass that are still scheduled (to retry, or tripped a bug): not again.
    again_later: set[int] = set()
    while result.total < limit and time.monotonic() - started < settings.REMINDER_PASS_SECONDS:
        with transaction.atomic():
            reminder = (
                due(now)
                .exclude(pk__in=again_later)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("next_attempt_at", "id")
                .first()
            )
            if reminder is None:
                break
            try:
                with transaction.atomic():
                    outcome = _deliver(reminder)
            except Exception:  # a bug with this one reminder must not stop the others
                logger.exception("Reminder %s could not be handled; it stays scheduled.", reminder.pk)
                outcome = ERROR
            if outcome in {RETRY, ERROR}:
                again_later.add(reminder.pk)
            result.count(outcome)
    if result.total:
        logger.info("Reminder dispatch: %s.", result)
    return result


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


def _deliver(reminder: Reminder) -> str:
    """Send one claimed (locked) reminder and record what happened."""
    # Four joins, not eight: PostgreSQL plans a query of a dozen tables for longer than it
    # runs it. A shift, plan or check-in is read only by the reminders about one.
    reminder = Reminder.objects.select_related(
        "case__incident__business", "case__caseworker", "participant", "user"
    ).get(pk=reminder.pk)
    for related in (reminder.participant, reminder.shift if reminder.shift_id else None):
        if related is not None:
            related.case = reminder.case  # the same case: no query to read it again
    try:
        with transaction.atomic():  # a failed attempt leaves no personal link behind
            message, link = reminder_email(reminder)
            message.send()
    except NoAddress as error:
        return _fail(reminder, str(error))
    except WorkflowError as error:  # the case was closed between the sync and now
        _set(reminder, state=Reminder.State.CANCELLED, cancelled_at=timezone.now(), cancel_reason=error.messages[0])
        return CANCELLED
    except Exception as error:  # SMTP errors, timeouts, refused connections, and our own bugs
        logger.warning("Reminder %s (%s) could not be sent.", reminder.pk, reminder.case.reference, exc_info=True)
        return _retry_or_fail(reminder, error)
    sent_at = timezone.now()
    _set(reminder, state=Reminder.State.SENT, sent_at=sent_at, attempts=reminder.attempts + 1, access_link=link)
    if link is not None:
        AccessLink.objects.filter(pk=link.pk).update(emailed_at=sent_at)
    return SENT


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _retry_or_fail(reminder: Reminder, error: Exception) -> str:
    attempts = reminder.attempts + 1
    if attempts >= settings.REMINDER_MAX_ATTEMPTS:
        return _fail(reminder, _describe(error), attempts=attempts)
    backoff = settings.REMINDER_BACKOFF_MINUTES
    wait = timedelta(minutes=backoff[min(attempts, len(backoff)) - 1])
    _set(reminder, attempts=attempts, last_error=_describe(error), next_attempt_at=timezone.now() + wait)
    return RETRY


def _fail(reminder: Reminder, reason: str, *, attempts: int | None = None) -> str:
    """Failed for good: the caseworker sees it on the case page and gets a notice (never about a notice)."""
    _set(
        reminder,
        state=Reminder.State.FAILED,
        attempts=attempts if attempts is not None else reminder.attempts + 1,
        last_error=reason,
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
