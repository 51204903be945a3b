"""Step 3: personal time with the staff member who was hurt, outside work.

Only when the plan includes it and the staff member said yes to it on its own (their
``personal_time_consent``, revocable); never while they asked for no contact. The caseworker
proposes a time; the customer and the staff member each agree or say no through their links
(either no ends it); afterwards the caseworker logs how long it lasted, and each may add a few
words. Who may do what in each state is ``permissions.PERSONAL_TIME_ACTIONS``.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant

from .. import permissions, workflow
from ..models import MAX_SHIFT_MINUTES, PersonalTime, ReconciliationPlan
from ..workflow import WorkflowError
from ._base import MAX_SHIFT_HOURS, Actor, check_period, in_future, lock, record, required_text


def personal_time_possible_with(agent: Participant) -> str:
    """Why personal time with ``agent`` cannot be proposed now, or "" when it can."""
    if agent.role != Participant.Role.AGENT:
        return _("Personal time is only ever with a staff member who was hurt.")
    if agent.no_contact or agent.contact_stopped_at:
        return _("%(name)s asked for no contact: personal time with them is not possible.") % {"name": agent.name}
    if not agent.takes_part:
        return _("%(name)s is not taking part: personal time with them is not possible.") % {"name": agent.name}
    if not agent.personal_time_consent:
        return _(
            "%(name)s has not said yes to personal time. Only they can, from their own page or by telling you."
        ) % {"name": agent.name}
    return ""


def plan_personal_time_refusal(participants: list[Participant]) -> str:
    """Why a plan cannot include personal time with a staff member, or "" when it can: there must be
    one who has not asked for no contact and has not declined."""
    agents = [person for person in participants if person.role == Participant.Role.AGENT]
    if not agents:
        return _("This case has no staff member to spend personal time with.")
    if all(agent.no_contact or agent.contact_stopped_at for agent in agents):
        return _("The staff member asked for no contact: the plan cannot include personal time with them.")
    if all(agent.consent in {Participant.Consent.DECLINED, Participant.Consent.WITHDRAWN} for agent in agents):
        return _("The staff member is not taking part: the plan cannot include personal time with them.")
    return ""


def _when(time: PersonalTime) -> str:
    return f"{timezone.localtime(time.starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(time.ends_at):%H:%M}"


@transaction.atomic
def personal_time_propose(
    *,
    case: Case,
    by: AbstractBaseUser,
    agent: Participant,
    starts_at: datetime,
    ends_at: datetime,
    activity: str,
    location: str,
) -> PersonalTime:
    """The caseworker proposes personal time; the customer and the staff member are each asked."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "role-swap")
    plan = ReconciliationPlan.objects.filter(case=case).order_by("-version").first()
    if plan is None or not plan.personal_time_with_agent:
        raise WorkflowError(_("The plan does not include personal time with the staff member."))
    workflow.check_safety(
        workflow.snapshot(case),
        _("This is a high-risk case: a supervisor must approve it before personal time is proposed."),
    )
    agent = Participant.objects.select_for_update().get(pk=agent.pk)
    if agent.case_id != case.pk:
        raise WorkflowError(_("Choose a staff member of this case."))
    if refusal := personal_time_possible_with(agent):
        raise WorkflowError(refusal)
    check_period(starts_at, ends_at, _("The personal time must end after it starts."))
    in_future(starts_at, _("The personal time must be in the future."))
    if (ends_at - starts_at).total_seconds() > MAX_SHIFT_HOURS * 3600:
        raise WorkflowError(_("Personal time can last at most %(hours)d hours.") % {"hours": MAX_SHIFT_HOURS})
    time = PersonalTime.objects.create(
        case=case,
        agent=agent,
        starts_at=starts_at,
        ends_at=ends_at,
        activity=required_text(activity, _("Please write what they would do together.")),
        location=required_text(location, _("Please write where.")),
    )
    record(
        case,
        CaseEvent.Kind.SHIFT,
        f"Personal time with {agent.name} proposed: {_when(time)}. Waiting for both to agree.",
        by,
        to_value="personal_time_proposed",
    )
    return time


def _lock_time(time: PersonalTime, action: str, by: Actor) -> tuple[Case, PersonalTime]:
    """Lock the case and the personal time, and check that ``by`` may take ``action`` on it now."""
    case = lock(time.case)
    time = PersonalTime.objects.select_for_update().select_related("agent").get(pk=time.pk)
    workflow.check_case_active(case)
    actor = permissions.actor_of(by)
    if action not in permissions.PERSONAL_TIME_ACTIONS.get(time.state, {}):
        raise WorkflowError(
            _("This personal time is %(state)s: that cannot be done now.") % {"state": time.get_state_display().lower()}
        )
    if not permissions.personal_time_may(time, action, actor):
        raise WorkflowError(_("That is not yours to do on this personal time."))
    if isinstance(by, Participant) and by.role == Participant.Role.AGENT and by.pk != time.agent_id:
        raise WorkflowError(_("That is not yours to do on this personal time."))
    return case, time


def _changed(case: Case, time: PersonalTime, previous: str, message: str, by: Actor) -> PersonalTime:
    time.save()
    record(
        case,
        CaseEvent.Kind.SHIFT,
        f"Personal time {_when(time)}: {message}",
        by,
        from_value=f"personal_time_{previous}",
        to_value=f"personal_time_{time.state}",
    )
    return time


@transaction.atomic
def personal_time_agree(*, time: PersonalTime, by: Participant) -> PersonalTime:
    """The customer or the staff member says yes; once both have, it is agreed."""
    case, time = _lock_time(time, "agree", by)
    if time.agreed_by(by.role):
        return time
    if by.role == Participant.Role.AGENT and (refusal := personal_time_possible_with(time.agent)):
        raise WorkflowError(refusal)
    now = timezone.now()
    if time.starts_at <= now:
        raise WorkflowError(_("This time has passed. Your caseworker can propose another."))
    previous = time.state
    if by.role == Participant.Role.CUSTOMER:
        time.customer_agreed_at = now
    else:
        time.agent_agreed_at = now
    who = "the customer" if by.role == Participant.Role.CUSTOMER else time.agent.name
    if time.customer_agreed_at and time.agent_agreed_at:
        time.state = PersonalTime.State.AGREED
        return _changed(case, time, previous, f"{who} agreed; agreed by both.", by)
    return _changed(case, time, previous, f"{who} agreed.", by)


@transaction.atomic
def personal_time_decline(*, time: PersonalTime, by: Participant) -> PersonalTime:
    """The customer or the staff member says no, without having to say why; it will not happen."""
    case, time = _lock_time(time, "decline", by)
    previous = time.state
    time.state = PersonalTime.State.DECLINED
    time.declined_by = by.role
    who = "the customer" if by.role == Participant.Role.CUSTOMER else time.agent.name
    return _changed(case, time, previous, f"{who} said no; it will not happen.", by)


@transaction.atomic
def personal_time_cancel(*, time: PersonalTime, reason: str, by: AbstractBaseUser) -> PersonalTime:
    case, time = _lock_time(time, "cancel", by)
    previous = time.state
    time.cancel_reason = required_text(reason, _("Please write why it is cancelled."))
    time.state = PersonalTime.State.CANCELLED
    return _changed(case, time, previous, "cancelled (the reason is on the case).", by)


@transaction.atomic
def personal_time_log(*, time: PersonalTime, minutes: int | None, by: AbstractBaseUser) -> PersonalTime:
    """After the agreed time, the caseworker logs that it took place and how long it lasted."""
    case, time = _lock_time(time, "log", by)
    if timezone.now() < time.starts_at:
        raise WorkflowError(_("Personal time can be logged only once it has begun."))
    if minutes is None or not 1 <= minutes <= MAX_SHIFT_MINUTES:
        raise WorkflowError(
            _("Please give how long it lasted, in minutes, from 1 to %(most)s.") % {"most": MAX_SHIFT_MINUTES}
        )
    time.minutes = minutes
    time.state = PersonalTime.State.HELD
    return _changed(case, time, PersonalTime.State.AGREED, f"took place, {minutes} minutes.", by)


@transaction.atomic
def personal_time_words(*, time: PersonalTime, text: str, by: Participant) -> PersonalTime:
    """The customer's or the staff member's few words after the personal time."""
    case, time = _lock_time(time, "words", by)
    words = required_text(text, _("Please write a few words, or leave the page: they are optional."))
    who = "the customer" if by.role == Participant.Role.CUSTOMER else time.agent.name
    if by.role == Participant.Role.CUSTOMER:
        time.customer_words = words
    else:
        time.agent_words = words
    time.save(update_fields=["customer_words", "agent_words"])
    record(case, CaseEvent.Kind.SHIFT, f"Personal time {_when(time)}: {who} wrote a few words.", by)
    return time


def personal_time_stop_for(case: Case, agent: Participant, by: Actor, why: str) -> int:
    """Cancel the staff member's open personal time (proposed or agreed) at once: they said no to it,
    stopped taking part or asked for no contact. Called under the case's lock; returns how many."""
    open_times = list(
        PersonalTime.objects.select_for_update().filter(case=case, agent=agent, state__in=PersonalTime.OPEN_STATES)
    )
    for time in open_times:
        previous = time.state
        time.state = PersonalTime.State.CANCELLED
        time.cancel_reason = why
        _changed(case, time, previous, f"cancelled: {why}", by)
    return len(open_times)
