"""Step 3: role-swap shifts, proposed, answered by the business, attended."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant
from compassion.durations import duration

from .. import permissions, workflow
from ..models import RoleSwapShift
from ..workflow import WorkflowError
from ._base import MAX_SHIFT_HOURS, Actor, advance, check_period, in_future, lock, record, required_text


def check_slot(
    case: Case,
    starts_at: datetime,
    ends_at: datetime,
    *,
    agent: Participant | None,
    agent_starts_at: datetime | None,
    agent_ends_at: datetime | None,
    exclude: RoleSwapShift | None = None,
) -> None:
    check_period(starts_at, ends_at, _("The shift must end after it starts."))
    in_future(starts_at, _("The shift must be in the future."))
    if (ends_at - starts_at).total_seconds() > MAX_SHIFT_HOURS * 3600:
        raise WorkflowError(_("A shift can last at most %(hours)d hours.") % {"hours": MAX_SHIFT_HOURS})
    overlapping = RoleSwapShift.objects.filter(
        case=case, state__in=RoleSwapShift.ACTIVE_STATES, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    if clash := overlapping.first():
        raise WorkflowError(
            _("The customer already has a shift from %(start)s to %(end)s at that time.")
            % {
                "start": f"{timezone.localtime(clash.starts_at):%Y-%m-%d %H:%M}",
                "end": f"{timezone.localtime(clash.ends_at):%H:%M}",
            }
        )
    if agent is not None and agent.no_contact:
        if agent_starts_at is None or agent_ends_at is None:
            raise WorkflowError(
                _("%(name)s asked for no contact: give their hours that day so the shift never overlaps them.")
                % {"name": agent.name}
            )
        check_period(agent_starts_at, agent_ends_at, _("The staff member's hours must end after they start."))
        if agent_starts_at < ends_at and agent_ends_at > starts_at:
            raise WorkflowError(
                _("%(name)s asked for no contact: the shift must not overlap their hours.") % {"name": agent.name}
            )


@transaction.atomic
def shift_propose(
    *,
    case: Case,
    by: AbstractBaseUser,
    starts_at: datetime,
    ends_at: datetime,
    role: str,
    location: str,
    supervisor_on_site: str,
    agent: Participant | None = None,
    agent_starts_at: datetime | None = None,
    agent_ends_at: datetime | None = None,
) -> RoleSwapShift:
    """The caseworker proposes a shift to the business."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "role-swap")
    workflow.check_safety(
        workflow.snapshot(case),
        _("This is a high-risk case: a supervisor must approve it before any shift is scheduled."),
    )
    if agent is not None and (agent.case_id != case.pk or agent.role != Participant.Role.AGENT):
        raise WorkflowError(_("Choose a staff member of this case."))
    check_slot(case, starts_at, ends_at, agent=agent, agent_starts_at=agent_starts_at, agent_ends_at=agent_ends_at)
    shift = RoleSwapShift.objects.create(
        case=case,
        business=case.incident.business,
        starts_at=starts_at,
        ends_at=ends_at,
        role=required_text(role, _("Please write the role the customer takes.")),
        location=required_text(location, _("Please write where the shift is.")),
        supervisor_on_site=required_text(supervisor_on_site, _("Please write who supervises on site.")),
        agent=agent,
        agent_starts_at=agent_starts_at,
        agent_ends_at=agent_ends_at,
    )
    record(case, CaseEvent.Kind.SHIFT, f"Shift proposed: {_when(shift)} as {shift.role}.", by, to_value=shift.state)
    return shift


def _when(shift: RoleSwapShift) -> str:
    return f"{timezone.localtime(shift.starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(shift.ends_at):%H:%M}"


def _lock_shift(shift: RoleSwapShift, action: str, by: Actor, *, doing: str) -> tuple[Case, RoleSwapShift]:
    """Lock the case and the shift, and check that ``by`` may take ``action`` on it now
    (``permissions.SHIFT_ACTIONS``)."""
    case = lock(shift.case)
    shift = RoleSwapShift.objects.select_for_update().get(pk=shift.pk)
    workflow.check_case_active(case)
    if not permissions.shift_allows(shift, action):
        raise WorkflowError(
            _("A shift that is %(state)s cannot be %(doing)s.")
            % {"state": shift.get_state_display().lower(), "doing": doing}
        )
    if not permissions.shift_may(shift, action, permissions.actor_of(by)):
        raise WorkflowError(_("That is not yours to do on this shift."))
    return case, shift


def _shift_changed(case: Case, shift: RoleSwapShift, previous: str, message: str, by: Actor) -> RoleSwapShift:
    shift.save()
    record(
        case, CaseEvent.Kind.SHIFT, f"Shift {_when(shift)}: {message}", by, from_value=previous, to_value=shift.state
    )
    return shift


@transaction.atomic
def shift_confirm(*, shift: RoleSwapShift, by: Actor) -> RoleSwapShift:
    """The business confirms a proposed shift."""
    case, shift = _lock_shift(shift, "confirm", by, doing=_("confirmed"))
    shift.state = RoleSwapShift.State.CONFIRMED
    return _shift_changed(case, shift, RoleSwapShift.State.PROPOSED, "confirmed by the business.", by)


@transaction.atomic
def shift_decline(*, shift: RoleSwapShift, reason: str, by: Actor) -> RoleSwapShift:
    """The business declines a proposed shift, saying why."""
    case, shift = _lock_shift(shift, "decline", by, doing=_("declined"))
    shift.decline_reason = required_text(reason, _("Please write why the shift is declined."))
    shift.state = RoleSwapShift.State.DECLINED
    return _shift_changed(case, shift, RoleSwapShift.State.PROPOSED, "declined (the reason is on the shift).", by)


@transaction.atomic
def shift_counter_propose(*, shift: RoleSwapShift, starts_at: datetime, ends_at: datetime, by: Actor) -> RoleSwapShift:
    """The business answers a proposed shift with another time."""
    case, shift = _lock_shift(shift, "counter", by, doing=_("answered with another time"))
    check_slot(
        case,
        starts_at,
        ends_at,
        agent=shift.agent,
        agent_starts_at=shift.agent_starts_at,
        agent_ends_at=shift.agent_ends_at,
        exclude=shift,
    )
    shift.counter_starts_at, shift.counter_ends_at = starts_at, ends_at
    shift.state = RoleSwapShift.State.COUNTER_PROPOSED
    other = f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(ends_at):%H:%M}"
    return _shift_changed(case, shift, RoleSwapShift.State.PROPOSED, f"the business proposed {other} instead.", by)


@transaction.atomic
def shift_accept_counter(*, shift: RoleSwapShift, by: AbstractBaseUser) -> RoleSwapShift:
    """The caseworker accepts the business's other time; the shift is then confirmed at that time."""
    case, shift = _lock_shift(shift, "accept-counter", by, doing=_("moved to the business's time"))
    check_slot(
        case,
        shift.counter_starts_at,
        shift.counter_ends_at,
        agent=shift.agent,
        agent_starts_at=shift.agent_starts_at,
        agent_ends_at=shift.agent_ends_at,
        exclude=shift,
    )
    shift.starts_at, shift.ends_at = shift.counter_starts_at, shift.counter_ends_at
    shift.counter_starts_at = shift.counter_ends_at = None
    shift.state = RoleSwapShift.State.CONFIRMED
    return _shift_changed(
        case, shift, RoleSwapShift.State.COUNTER_PROPOSED, "moved to the business's time and confirmed.", by
    )


@transaction.atomic
def shift_cancel(*, shift: RoleSwapShift, reason: str, by: Actor) -> RoleSwapShift:
    case, shift = _lock_shift(shift, "cancel", by, doing=_("cancelled"))
    previous = shift.state
    shift.decline_reason = required_text(reason, _("Please write why the shift is cancelled."))
    shift.state = RoleSwapShift.State.CANCELLED
    return _shift_changed(case, shift, previous, "cancelled (the reason is on the shift).", by)


@transaction.atomic
def shift_record_attendance(
    *, shift: RoleSwapShift, attended: bool, minutes: int | None = None, feedback: str = "", by: Actor
) -> RoleSwapShift:
    """After a confirmed shift, the business records attendance, the time worked (in minutes, more
    than none and at most the shift's length, once the shift has ended) and feedback; a no-show
    can be said from the shift's start."""
    case, shift = _lock_shift(shift, "attendance", by, doing=_("marked attended or no-show"))
    now = timezone.now()
    if now < shift.starts_at:
        raise WorkflowError(_("Attendance can be recorded only once the shift has started."))
    shift.business_feedback = (feedback or "").strip()
    if attended:
        if now < shift.ends_at:
            raise WorkflowError(
                _(
                    "The time worked can be recorded once the shift has ended, at %(end)s. "
                    "If the customer did not come, you can say so now."
                )
                % {"end": f"{timezone.localtime(shift.ends_at):%H:%M}"}
            )
        if minutes is None or not (0 < minutes <= shift.minutes):
            raise WorkflowError(
                _("The time worked must be more than nothing and at most the shift's length, %(length)s.")
                % {"length": duration(shift.minutes)}
            )
        shift.minutes_attended = minutes
        shift.state = RoleSwapShift.State.ATTENDED
        with translation.override("en"):
            message = f"attended, {duration(minutes)}."
    else:
        shift.minutes_attended = None
        shift.state = RoleSwapShift.State.NO_SHOW
        message = "the customer did not come."
    _shift_changed(case, shift, RoleSwapShift.State.CONFIRMED, message, by)
    advance(case, by)
    return shift


@transaction.atomic
def shift_customer_reflection(*, shift: RoleSwapShift, text: str, by: Actor) -> RoleSwapShift:
    """The customer's short reflection after a shift they attended."""
    case, shift = _lock_shift(shift, "reflection", by, doing=_("reflected on before it is attended"))
    shift.customer_reflection = required_text(text, _("Please write a few words about the shift."))
    shift.save(update_fields=["customer_reflection"])
    record(case, CaseEvent.Kind.SHIFT, f"Shift {_when(shift)}: the customer wrote a reflection.", by)
    return shift
