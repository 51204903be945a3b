"""Referrals: submitted by anyone through the public form, decided once by a supervisor.

A referral is new until a supervisor accepts it (a case is opened from it), marks it as a
duplicate of an existing case, or declines it. Each decision records who and when, and a
linked case gets a line on its timeline. A decided referral cannot be decided again.
"""

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Case, CaseEvent
from cases.roles import is_supervisor
from cases.services import IntakeDetails, WorkflowError, case_open, event_record
from compassion import ratelimit

from . import emails, hooks
from .models import Referral

RATE_LIMIT_WINDOW_SECONDS = 60 * 60


class ReferralRateLimited(WorkflowError):
    """Too many referrals from one client address within the hour."""


@dataclass(frozen=True)
class ReferralDetails:
    """What the public form gathers, already validated for shape."""

    writer: str
    name: str
    contact_by: str
    business_name: str
    story: str
    police: str
    email: str = ""
    phone: str = ""
    occurred_on: date | None = None
    location: str = ""
    video_url: str = ""
    consented: bool = False


# ---------------------------------------------------------------- submit


@transaction.atomic
def referral_submit(*, details: ReferralDetails, language: str, client_address: str) -> Referral:
    """Save a referral from the public form and e-mail the person a confirmation.

    Needs consent and a way to reach the person; at most REFERRAL_RATE_LIMIT_PER_HOUR per
    client address and hour.
    """
    if not details.consented:
        raise WorkflowError(gettext("We can only take your message if you agree to be contacted."))
    if not (details.email or details.phone):
        raise WorkflowError(gettext("Give an e-mail address or a phone number so that we can reach you."))
    if (
        ratelimit.hit("referrals", client_address, window_seconds=RATE_LIMIT_WINDOW_SECONDS)
        > settings.REFERRAL_RATE_LIMIT_PER_HOUR
    ):
        raise ReferralRateLimited(
            gettext(
                "We have received several messages from your connection in the last hour, so this one "
                "was not sent. Please try again in an hour. What you typed is still here."
            )
        )
    now = timezone.now()
    fields = {name: value for name, value in vars(details).items() if name != "consented"}
    referral = Referral.objects.create(**fields, language=language, consented_at=now, submitted_at=now)
    for hook in hooks.referral_received:
        hook(referral)
    if referral.email:
        transaction.on_commit(partial(emails.referral_email_send, referral_id=referral.pk, kind="received"))
    return referral


# ---------------------------------------------------------------- triage


def _lock_new(referral: Referral, *, by: AbstractBaseUser, verb: str) -> Referral:
    """The referral, locked, if ``by`` may decide it now; otherwise a WorkflowError."""
    if not is_supervisor(by):
        raise WorkflowError("Only a supervisor can triage referrals.")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.state != Referral.State.NEW:
        who = locked.decided_by.get_username() if locked.decided_by_id else "someone"
        when = timezone.localtime(locked.decided_at).strftime("%Y-%m-%d %H:%M")
        raise WorkflowError(
            f"This referral was already marked {locked.get_state_display().lower()} by {who} on {when}; "
            f"it cannot be {verb} now."
        )
    return locked


def _decide(referral: Referral, *, state: str, by: AbstractBaseUser, case: Case | None = None, note: str = "") -> None:
    referral.state = state
    referral.decided_by = by
    referral.decided_at = timezone.now()
    referral.decision_note = note
    referral.case = case
    referral.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "case"])


def _sender(referral: Referral) -> str:
    return f"{referral.name} ({referral.get_writer_display().lower()})"


@transaction.atomic
def referral_accept(*, referral: Referral, intake: IntakeDetails, by: AbstractBaseUser) -> Case:
    """Open a case from a new referral and link the two, all or nothing."""
    locked = _lock_new(referral, by=by, verb="accepted")
    case = case_open(intake=intake, by=by)
    _decide(locked, state=Referral.State.ACCEPTED, by=by, case=case)
    event_record(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        message=(
            f"Opened from referral {locked.pk}, sent by {_sender(locked)} "
            f"on {timezone.localtime(locked.submitted_at):%Y-%m-%d}."
        ),
        by=by,
    )
    return case


@transaction.atomic
def referral_mark_duplicate(*, referral: Referral, case: Case, by: AbstractBaseUser, note: str = "") -> Referral:
    """Link a new referral to the existing case it is about; no new case is opened."""
    locked = _lock_new(referral, by=by, verb="marked as a duplicate")
    note = note.strip()
    _decide(locked, state=Referral.State.DUPLICATE, by=by, case=case, note=note)
    event_record(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        message=f"Referral {locked.pk} from {_sender(locked)} is about this case (duplicate)."
        + (f" Note: {note}" if note else ""),
        by=by,
    )
    return locked


@transaction.atomic
def referral_decline(
    *, referral: Referral, by: AbstractBaseUser, reason: str, send_reply: bool = False, reply_message: str = ""
) -> Referral:
    """Decline a new referral with a reason; optionally send the person a kind reply by e-mail."""
    locked = _lock_new(referral, by=by, verb="declined")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Say why the referral is declined.")
    if send_reply and not locked.email:
        raise WorkflowError("This person left no e-mail address, so no reply can be sent; reach them by phone.")
    _decide(locked, state=Referral.State.DECLINED, by=by, note=reason)
    if send_reply:
        transaction.on_commit(
            partial(
                emails.referral_email_send,
                referral_id=locked.pk,
                kind="declined",
                personal_message=reply_message.strip(),
            )
        )
    return locked
