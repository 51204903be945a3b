"""The caseworker's hand on a case's messages: send a reminder now, cancel one, e-mail a personal link.

Each runs in a transaction, checks under a row lock, and writes its line on the case's timeline.
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant
from cases.services import WorkflowError, event_record, participant_texts_start, participant_texts_stop
from compassion.moments import ago
from compassion.people import staff_name

from .models import Reminder
from .reminders import dispatch_soon, notify


def _lock_reminder(reminder: Reminder) -> Reminder:
    locked = (
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case", "participant", "user")
        .filter(pk=reminder.pk)
        .first()
    )
    if locked is None:
        raise WorkflowError("This reminder is being sent right now.")
    return locked


def _check_changeable(reminder: Reminder) -> None:
    if reminder.state not in {Reminder.State.SCHEDULED, Reminder.State.FAILED}:
        raise WorkflowError(f"This reminder was already {reminder.get_state_display().lower()}.")


@transaction.atomic
def reminder_send_now(*, reminder: Reminder, by: AbstractBaseUser) -> Reminder:
    """The caseworker sends a scheduled reminder now, or tries a failed one again; not on an ended case."""
    reminder = _lock_reminder(reminder)
    _check_changeable(reminder)
    if reminder.case.status in Case.ENDED_STATUSES:
        raise WorkflowError(f"The case is {reminder.case.get_status_display().lower()}: no e-mail is sent for it.")
    retry = reminder.state == Reminder.State.FAILED
    if retry:
        reminder.attempts = 0
    reminder.state = Reminder.State.SCHEDULED
    reminder.next_attempt_at = timezone.now()
    reminder.save(update_fields=["state", "attempts", "next_attempt_at"])
    verb = "tried again" if retry else "sent now"
    event_record(
        case=reminder.case,
        kind=CaseEvent.Kind.REMINDER,
        message=f"Reminder “{reminder.get_kind_display()}” to {reminder.recipient_name} {verb}.",
        by=by,
    )
    dispatch_soon()
    return reminder


@transaction.atomic
def reminder_cancel(*, reminder: Reminder, by: AbstractBaseUser) -> Reminder:
    """The caseworker cancels a scheduled reminder (or sets a failed one aside). It is not scheduled again."""
    reminder = _lock_reminder(reminder)
    _check_changeable(reminder)
    reminder.state = Reminder.State.CANCELLED
    reminder.cancelled_at = timezone.now()
    reminder.cancelled_by = by
    reminder.cancel_reason = f"Cancelled by {staff_name(by)}."
    reminder.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
    event_record(
        case=reminder.case,
        kind=CaseEvent.Kind.REMINDER,
        message=f"Reminder “{reminder.get_kind_display()}” to {reminder.recipient_name} cancelled.",
        by=by,
    )
    return reminder


# A second "E-mail a link" within this time asks first: "sent 2 minutes ago, send again?"
LINK_EMAIL_RECENT = timedelta(minutes=10)


class LinkRecentlyEmailed(WorkflowError):
    """A link was e-mailed to this person a moment ago: nothing more was sent."""


def recent_link_email(participant: Participant, now: datetime | None = None) -> Reminder | None:
    """The personal-link e-mail asked for this person within ``LINK_EMAIL_RECENT``, if any."""
    since = (now or timezone.now()) - LINK_EMAIL_RECENT
    return (
        Reminder.objects.filter(participant=participant, kind=Reminder.Kind.LINK, due_at__gte=since)
        .exclude(state__in=[Reminder.State.CANCELLED, Reminder.State.FAILED])  # a failed one is sent again at once
        .order_by("-due_at", "-id")
        .first()
    )


def ways(participant: Participant) -> str:
    """How a message to the person goes now, in words: "e-mail", "text message", "e-mail and text message"."""
    return " and ".join(str(Reminder.Channel(channel).label).lower() for channel in participant.channels)


def addresses(participant: Participant) -> str:
    """Where a message to the person goes now: "alex@example.com", "(212) 555-0142 by text", or both."""
    ways = [
        participant.email if channel == Reminder.Channel.EMAIL else f"{participant.phone_shown} by text"
        for channel in participant.channels
    ]
    return " and ".join(ways)


@transaction.atomic
def link_email(*, participant: Participant, by: AbstractBaseUser, again: bool = False) -> Reminder:
    """E-mail the participant a fresh personal link, within seconds, through the reminders' path.

    One press, one e-mail: a press within ``LINK_EMAIL_RECENT`` of the last sends nothing and says
    when that one was sent, unless the caseworker answered "send again" (``again``). The older
    links the person holds keep working until they expire (see README, "Personal links").
    """
    case = Case.objects.select_for_update().get(pk=participant.case_id)
    if participant.unreachable:
        raise WorkflowError(
            _(
                "%(name)s has no e-mail address and no phone that takes texts: renew the link and give it "
                "to them another way."
            )
            % {"name": participant.name}
        )
    recent = recent_link_email(participant)
    if recent is not None and not again:
        sent = f"sent at {timezone.localtime(recent.sent_at):%H:%M}" if recent.sent_at else "being sent"
        raise LinkRecentlyEmailed(
            f"A link was e-mailed to {participant.name} {ago(recent.due_at)} ({sent}): nothing more "
            "was sent. Press “Send again” to send another."
        )
    # Decided here, under the case's lock: each press that gets this far is one e-mail of its own.
    reminder = notify(case=case, kind=Reminder.Kind.LINK, participant=participant, again=True)
    event_record(
        case=case,
        kind=CaseEvent.Kind.LINK,
        message=(
            f"Personal link e-mailed to {participant.name}{' again' if again else ''}."
            if participant.channels == [Reminder.Channel.EMAIL]
            else f"Personal link sent to {participant.name} by {ways(participant)}{' again' if again else ''}."
        ),
        by=by,
    )
    return reminder


# ---------------------------------------------------------------- what the SMS gateway tells us

# How far a text got; a report never moves it back (reports may arrive out of order).
DELIVERY_RANK = {"accepted": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "undelivered": 5, "failed": 5}
NOT_DELIVERED = frozenset({"undelivered", "failed"})


@transaction.atomic
def text_delivery_record(*, external_id: str, status: str, error_code: str = "") -> Reminder | None:
    """The gateway's report on a text we sent, kept on its reminder (the case page shows it). A text
    that did not arrive is marked failed, with the gateway's code, and the caseworker gets a notice."""
    if status not in DELIVERY_RANK or not external_id:
        return None
    reminder = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("case", "case__caseworker")
        .filter(external_id=external_id, channel=Reminder.Channel.SMS)
        .first()
    )
    if reminder is None:
        return None
    if reminder.delivery_status and DELIVERY_RANK[status] <= DELIVERY_RANK.get(reminder.delivery_status, -1):
        return reminder
    reminder.delivery_status, reminder.delivery_updated_at = status, timezone.now()
    fields = ["delivery_status", "delivery_updated_at"]
    if status in NOT_DELIVERED:
        reminder.state = Reminder.State.FAILED
        reminder.last_error = f"The text did not arrive ({status}{f', code {error_code}' if error_code else ''})."
        fields += ["state", "last_error"]
    reminder.save(update_fields=fields)
    case = reminder.case
    if status in NOT_DELIVERED and case.status not in Case.ENDED_STATUSES:
        notify(case=case, kind=Reminder.Kind.FAILED, user=case.caseworker, about=reminder)
    return reminder


def people_with_number(number: str) -> list[Participant]:
    """The participants of cases not ended whose phone is this number (E.164, as the gateway sends it)."""
    if not number:
        return []
    return list(
        Participant.objects.filter(phone=number, erased_at__isnull=True)
        .exclude(case__status__in=Case.ENDED_STATUSES)
        .select_related("case", "case__caseworker")
        .order_by("-case__opened_at", "pk")
    )


def texts_stop(*, people: list[Participant]) -> int:
    """STOP from a number: no more texts to anyone of it, on every case. How many were stopped."""
    return sum(participant_texts_stop(participant=person) for person in people)


def texts_start(*, people: list[Participant]) -> int:
    """START from a number: texts again to everyone of it."""
    return sum(participant_texts_start(participant=person) for person in people)


@transaction.atomic
def text_received(*, people: list[Participant], body: str) -> str:
    """A text someone sent us, on the timeline of their newest case for the caseworker to read;
    the caseworker's name, for the answer."""
    person = people[0]
    case = person.case
    event_record(
        case=case,
        kind=CaseEvent.Kind.CONTACT,
        message=f"{person.name} sent a text: “{body[:1000]}”",
        by_participant=person,
        to_value="text_received",
    )
    caseworker = case.caseworker
    return staff_name(caseworker)
