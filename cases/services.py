"""Everything that changes a case's rows: intake, status changes, reassignment, the timeline.

Each service runs in a transaction, checks its rule under a row lock, writes the change
and a ``CaseEvent``, and raises ``WorkflowError`` with a sentence a person understands
when the move is not allowed.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import hooks, links
from .models import Business, Case, CaseEvent, Incident, Participant, ReferenceSequence
from .roles import is_caseworker, is_supervisor
from .timeline import WorkflowError, event_record

# ---------------------------------------------------------------- references


def reference_allocate(*, year: int, count: int = 1) -> list[str]:
    """Hand out ``count`` new references ``CCP-YYYY-NNNN`` for ``year``; never reused.

    The year's counter row is locked until the caller's transaction ends, so two intakes
    at the same moment get different numbers, and a number is never given to two cases.
    """
    with transaction.atomic():
        ReferenceSequence.objects.get_or_create(year=year)
        sequence = ReferenceSequence.objects.select_for_update().get(year=year)
        first = sequence.last_number + 1
        sequence.last_number += count
        sequence.save(update_fields=["last_number"])
    return [f"CCP-{year}-{number:04d}" for number in range(first, first + count)]


# ---------------------------------------------------------------- intake


RISK_ORDER = [Case.Risk.LOW, Case.Risk.MEDIUM, Case.Risk.HIGH]


def risk_default(*, severity: str, police_involved: bool) -> str:
    """Physical violence or threats mean high risk; police involvement at least medium."""
    if severity in {Incident.Severity.PHYSICAL, Incident.Severity.THREATS}:
        return Case.Risk.HIGH
    if police_involved:
        return Case.Risk.MEDIUM
    return Case.Risk.LOW


@dataclass(frozen=True)
class PersonDetails:
    name: str
    email: str = ""
    phone: str = ""
    channel: str = Participant.Channel.EMAIL
    preferred_language: str = Participant.Language.ENGLISH
    no_contact: bool = False


@dataclass(frozen=True)
class IntakeDetails:
    """What the intake form gathers, already validated for shape."""

    incident: dict
    customer: PersonDetails
    caseworker: AbstractBaseUser
    business: Business | None = None
    new_business: dict | None = None
    agents: list[PersonDetails] = field(default_factory=list)
    business_representative: PersonDetails | None = None
    risk: str | None = None


@transaction.atomic
def case_open(*, intake: IntakeDetails, by: AbstractBaseUser) -> Case:
    """Open a case for an incident: business, incident, case and participants, all or nothing."""
    if not is_caseworker(intake.caseworker):
        raise WorkflowError("Cases can only be assigned to a caseworker or a supervisor.")
    if intake.caseworker != by and not is_supervisor(by):
        raise WorkflowError("Only a supervisor can open a case for another caseworker.")
    if intake.business is None and not intake.new_business:
        raise WorkflowError("Choose an existing business or enter a new one.")

    business = intake.business or Business.objects.create(**intake.new_business)
    incident = Incident.objects.create(business=business, **intake.incident)
    suggested = risk_default(severity=incident.severity, police_involved=incident.police_involved)
    risk = intake.risk or suggested
    if RISK_ORDER.index(risk) < RISK_ORDER.index(suggested) and not is_supervisor(by):
        # A lower risk skips the supervisor's safety approval: a supervisor decides that.
        raise WorkflowError(
            f"{incident.get_severity_display()}{' with the police involved' if incident.police_involved else ''} "
            f"means {Case.Risk(suggested).label.lower()} risk. Only a supervisor can set a lower risk: "
            "leave the risk on its default, or ask a supervisor to open the case."
        )
    now = timezone.now()
    (reference,) = reference_allocate(year=timezone.localdate(now).year)
    case = Case.objects.create(
        reference=reference,
        incident=incident,
        caseworker=intake.caseworker,
        risk=risk,
        opened_at=now,
        last_activity_at=now,
    )
    people = [(Participant.Role.CUSTOMER, intake.customer)]
    people += [(Participant.Role.AGENT, agent) for agent in intake.agents]
    if intake.business_representative:
        people.append((Participant.Role.BUSINESS, intake.business_representative))
    bulk_create_with_history(  # with their first row in the audit history
        [Participant(case=case, role=role, **vars(person)) for role, person in people], Participant, default_user=by
    )
    event_record(
        case=case,
        kind=CaseEvent.Kind.OPENED,
        message=f"Case opened for {intake.customer.name}; risk {case.get_risk_display().lower()}.",
        by=by,
        to_value=case.status,
    )
    hooks.notify_case_changed(case)  # reminders and the like follow the case
    return case


def open_cases_for_customer_email(email: str) -> list[str]:
    """References of active cases whose customer has this e-mail (for the intake warning)."""
    if not email:
        return []
    return list(
        Case.objects.filter(
            status__in=Case.ACTIVE_STATUSES,
            participants__role=Participant.Role.CUSTOMER,
            participants__email__iexact=email,
        ).values_list("reference", flat=True)
    )


# ---------------------------------------------------------------- status

# action: (allowed from, to, verb for messages, needs a reason)
STATUS_ACTIONS: dict[str, tuple[frozenset[str], str, str, bool]] = {
    "pause": (frozenset({Case.Status.OPEN}), Case.Status.PAUSED, "paused", False),
    "resume": (frozenset({Case.Status.PAUSED}), Case.Status.OPEN, "resumed", False),
    "withdraw": (Case.ACTIVE_STATUSES, Case.Status.WITHDRAWN, "withdrawn", True),
    "close": (
        frozenset({Case.Status.OPEN, Case.Status.PAUSED, Case.Status.COMPLETED, Case.Status.WITHDRAWN}),
        Case.Status.CLOSED,
        "closed",
        True,
    ),
}


def status_actions_allowed(case: Case) -> list[str]:
    """The status actions a caseworker may take on this case now, in display order."""
    return [action for action, (sources, *_rest) in STATUS_ACTIONS.items() if case.status in sources]


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_change_status(*, case: Case, action: str, by: AbstractBaseUser, reason: str = "") -> Case:
    """Pause, resume, withdraw or close a case, if its current status allows it."""
    if action not in STATUS_ACTIONS:
        raise WorkflowError(f"“{action}” is not something that can be done to a case.")
    sources, target, verb, needs_reason = STATUS_ACTIONS[action]
    locked = _lock(case)
    if locked.status not in sources:
        raise WorkflowError(
            f"A case that is {locked.get_status_display().lower()} cannot be {verb}."
        )
    reason = reason.strip()
    if needs_reason and not reason:
        raise WorkflowError(f"Say why the case is {verb}.")
    previous = locked.status
    now = timezone.now()
    locked.status = target
    if reason or target in Case.ACTIVE_STATUSES:
        locked.status_reason = reason
    if target == Case.Status.CLOSED:
        locked.closed_at = now
    locked.save(update_fields=["status", "status_reason", "closed_at"])
    message = f"Case {verb}." + (f" Reason: {reason}" if reason else "")
    if target in Case.ENDED_STATUSES:
        # Nobody's personal link opens an ended case: each is revoked, in the audit history.
        revoked = sum(links.links_revoke_usable(participant=person, now=now) for person in locked.participants.all())
        message += f" Personal links revoked: {revoked}." if revoked else ""
    event_record(
        case=locked, kind=CaseEvent.Kind.STATUS, message=message, by=by, from_value=previous, to_value=target
    )
    hooks.notify_case_changed(locked)
    return locked


@transaction.atomic
def case_reassign(*, case: Case, caseworker: AbstractBaseUser, by: AbstractBaseUser) -> Case:
    """Give a case to another caseworker. Only supervisors reassign."""
    if not is_supervisor(by):
        raise WorkflowError("Only a supervisor can reassign a case.")
    if not is_caseworker(caseworker):
        raise WorkflowError("Cases can only be assigned to a caseworker or a supervisor.")
    locked = _lock(case)
    if locked.caseworker_id == caseworker.pk:
        raise WorkflowError(f"The case is already assigned to {caseworker.get_username()}.")
    previous = locked.caseworker.get_username()
    locked.caseworker = caseworker
    locked.save(update_fields=["caseworker"])
    event_record(
        case=locked,
        kind=CaseEvent.Kind.ASSIGNED,
        message=f"Case reassigned from {previous} to {caseworker.get_username()}.",
        by=by,
        from_value=previous,
        to_value=caseworker.get_username(),
    )
    hooks.notify_case_changed(locked)
    return locked


# ---------------------------------------------------------------- how a person is reached


def _channel_label(channel: str) -> str:
    return str(Participant.Channel(channel).label).lower()


@transaction.atomic
def participant_contact_change(
    *, participant: Participant, email: str, phone, channel: str, by: AbstractBaseUser
) -> Participant:
    """The caseworker changes a person's e-mail, phone or the channel their messages go by.

    The timeline says what changed (not the addresses); the case's reminders follow the new
    channel at once. A case that ended, or a person whose data was erased, is not changed.
    """
    case = _lock(participant.case)
    person = Participant.objects.select_for_update().get(pk=participant.pk)
    if case.status in Case.ENDED_STATUSES:
        raise WorkflowError(f"The case is {case.get_status_display().lower()}: contact details are no longer changed.")
    if person.erased_at:
        raise WorkflowError("This person's details were erased.")
    if channel not in Participant.Channel.values:
        raise WorkflowError("Choose e-mail, text messages or both.")
    changed = []
    if (person.email or "") != (email or ""):
        changed.append("e-mail address")
    if str(person.phone or "") != str(phone or ""):
        changed.append("phone number")
    if person.channel != channel:
        changed.append(f"messages now by {_channel_label(channel)}")
    if not changed:
        return person
    previous = person.channel
    person.email, person.phone, person.channel = email or "", phone or "", channel
    fields = ["email", "phone", "channel"]
    if "phone number" in changed and person.texts_stopped_at:
        person.texts_stopped_at = None  # a new number has not answered STOP
        fields.append("texts_stopped_at")
    person.save(update_fields=fields)
    event_record(
        case=case,
        kind=CaseEvent.Kind.CONTACT,
        message=f"How {person.name} is reached changed: {', '.join(changed)}.",
        by=by,
        from_value=previous,
        to_value=channel,
    )
    hooks.notify_case_changed(case)
    return person


@transaction.atomic
def participant_channel_choose(*, participant: Participant, channel: str) -> Participant:
    """The person chooses, from their own page, how their messages reach them. Texts need a phone
    that takes them, e-mail an address; choosing what they have already changes nothing."""
    case = _lock(participant.case)
    person = Participant.objects.select_for_update().get(pk=participant.pk)
    if channel not in Participant.Channel.values:
        raise WorkflowError(_("Choose e-mail, text messages or both."))
    wants_texts = channel in {Participant.Channel.SMS, Participant.Channel.BOTH}
    wants_email = channel in {Participant.Channel.EMAIL, Participant.Channel.BOTH}
    if wants_texts and not (person.phone and person.phone.is_valid()):
        raise WorkflowError(_("We have no phone number for you. Your caseworker can add one."))
    if wants_email and not person.email:
        raise WorkflowError(_("We have no e-mail address for you. Your caseworker can add one."))
    if person.channel == channel and not (wants_texts and person.texts_stopped_at):
        return person
    previous = person.channel
    person.channel = channel
    fields = ["channel"]
    if wants_texts and person.texts_stopped_at:
        person.texts_stopped_at = None  # choosing texts again is saying yes to them again
        fields.append("texts_stopped_at")
    person.save(update_fields=fields)
    event_record(
        case=case,
        kind=CaseEvent.Kind.CONTACT,
        message=f"{person.name} chose to get their messages by {_channel_label(channel)}.",
        by_participant=person,
        from_value=previous,
        to_value=channel,
    )
    hooks.notify_case_changed(case)
    return person


@transaction.atomic
def participant_texts_stop(*, participant: Participant) -> bool:
    """The person answered a text with STOP (or BAJA): no more texts to them, at once; e-mail is
    used when there is an address. The caseworker sees it on the timeline and the case page (and
    the dashboard, when nothing can reach them now). False when texts were already stopped."""
    case = _lock(participant.case)
    person = Participant.objects.select_for_update().get(pk=participant.pk)
    if person.texts_stopped_at:
        return False
    person.texts_stopped_at = timezone.now()
    person.save(update_fields=["texts_stopped_at"])
    instead = "e-mail is used instead" if person.email else "nothing can reach them now: add an e-mail address"
    event_record(
        case=case,
        kind=CaseEvent.Kind.CONTACT,
        message=f"{person.name} answered a text with STOP: no more texts to them; {instead}.",
        by_participant=person,
        to_value="texts_stopped",
    )
    hooks.notify_case_changed(case)
    return True


@transaction.atomic
def participant_texts_start(*, participant: Participant) -> bool:
    """The person answered START: texts go to them again. False when they were not stopped."""
    case = _lock(participant.case)
    person = Participant.objects.select_for_update().get(pk=participant.pk)
    if not person.texts_stopped_at:
        return False
    person.texts_stopped_at = None
    person.save(update_fields=["texts_stopped_at"])
    event_record(
        case=case,
        kind=CaseEvent.Kind.CONTACT,
        message=f"{person.name} answered START: texts go to them again.",
        by_participant=person,
        to_value="texts_started",
    )
    hooks.notify_case_changed(case)
    return True
