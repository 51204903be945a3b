"""Every change in the five steps. Views, the portal, tasks and the admin all call these.

Each service runs in one transaction, locks the case row, checks its rule, writes the
change and a timeline event, and then lets the workflow advance the case. A move the rules
do not allow raises ``WorkflowError`` with a sentence for the person who tried it, and
changes nothing.

``by`` is the staff user acting, or the ``Participant`` acting through their personal link.
"""

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hooks
from cases.models import Case, CaseEvent, Participant
from cases.roles import is_supervisor
from cases.services import event_record

from . import workflow
from .models import (
    CheckIn,
    Commitment,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
    StepSkip,
)
from .workflow import WorkflowError

Actor = AbstractBaseUser | Participant

MAX_SHIFT_HOURS = 12
REQUIRED_REFLECTION_ANSWERS = ("what_happened", "what_you_felt", "agent_perspective", "regrets")


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_related("incident__business", "caseworker").select_for_update(of=("self",)).get(pk=case.pk)
    )


def _record(case: Case, kind: str, message: str, by: Actor, **values) -> CaseEvent:
    actor = {"by_participant": by} if isinstance(by, Participant) else {"by": by}
    event = event_record(case=case, kind=kind, message=message, **actor, **values)
    hooks.notify_case_changed(case)  # reminders follow every change of the case
    return event


def _advance(case: Case, by: Actor) -> Case:
    before = (case.step, case.status)
    workflow.advance(case, by=None if isinstance(by, Participant) else by)
    if (case.step, case.status) != before:
        hooks.notify_case_changed(case)  # a new step, or the check-ins of a completed case
    return case


def _text(value: str, missing: str) -> str:
    """The value without surrounding blanks; ``missing`` is the message when there is nothing."""
    value = (value or "").strip()
    if not value:
        raise WorkflowError(missing)
    return value


def _in_future(moment: datetime, message: str) -> None:
    if moment <= timezone.now():
        raise WorkflowError(message)


def _check_period(starts_at: datetime, ends_at: datetime, message: str) -> None:
    if ends_at <= starts_at:
        raise WorkflowError(message)


# ---------------------------------------------------------------- step 1: reflection


@transaction.atomic
def reflection_save_draft(*, case: Case, answers: dict[str, str], by: Actor) -> Reflection:
    """Save the customer's answers as a draft; saving twice is harmless."""
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.REFLECTION)
    reflection, _created = Reflection.objects.get_or_create(case=case)
    if reflection.state != Reflection.State.DRAFT:
        raise WorkflowError(_("The reflection was already submitted; it can no longer be changed."))
    for name in Reflection.QUESTIONS:
        if name in answers:
            setattr(reflection, name, answers[name] or "")
    reflection.updated_at = timezone.now()
    reflection.save()
    return reflection


@transaction.atomic
def reflection_submit(*, case: Case, answers: dict[str, str] | None = None, by: Actor) -> Reflection:
    """Submit the reflection for review; the four guided questions must be answered."""
    reflection = reflection_save_draft(case=case, answers=answers or {}, by=by) if answers is not None else None
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.REFLECTION)
    reflection = reflection or Reflection.objects.filter(case=case).first()
    if reflection is None or reflection.state != Reflection.State.DRAFT:
        raise WorkflowError(_("There is no draft reflection to submit."))
    unanswered = [
        str(Reflection.QUESTIONS[name]) for name in REQUIRED_REFLECTION_ANSWERS if not getattr(reflection, name).strip()
    ]
    if unanswered:
        raise WorkflowError(
            _("Please answer every question before submitting: %(questions)s") % {"questions": " ".join(unanswered)}
        )
    reflection.state = Reflection.State.SUBMITTED
    reflection.submitted_at = timezone.now()
    reflection.save(update_fields=["state", "submitted_at"])
    _record(case, CaseEvent.Kind.REFLECTION, "The reflection was submitted for review.", by, to_value="submitted")
    return reflection


@transaction.atomic
def reflection_review(*, case: Case, note: str, by: AbstractBaseUser) -> Reflection:
    """The caseworker reads the submitted reflection and records a review note."""
    case = _lock(case)
    workflow.check_case_active(case)
    reflection = Reflection.objects.filter(case=case).first()
    if reflection is None or reflection.state != Reflection.State.SUBMITTED:
        raise WorkflowError(_("Only a submitted reflection can be reviewed."))
    reflection.state = Reflection.State.REVIEWED
    reflection.reviewed_at = timezone.now()
    reflection.reviewed_by = by
    reflection.review_note = (note or "").strip()
    reflection.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_note"])
    _record(
        case, CaseEvent.Kind.REFLECTION, "The reflection was reviewed.", by, from_value="submitted", to_value="reviewed"
    )
    _advance(case, by)
    return reflection


@transaction.atomic
def reflection_return(*, case: Case, note: str, by: AbstractBaseUser) -> Reflection:
    """Send a submitted reflection back to the customer to write more."""
    case = _lock(case)
    workflow.check_case_active(case)
    reflection = Reflection.objects.filter(case=case).first()
    if reflection is None or reflection.state != Reflection.State.SUBMITTED:
        raise WorkflowError(_("Only a submitted reflection can be sent back."))
    reflection.state = Reflection.State.DRAFT
    reflection.review_note = _text(note, _("Please write what the customer should add."))
    reflection.save(update_fields=["state", "review_note"])
    _record(case, CaseEvent.Kind.REFLECTION, "The reflection was sent back to the customer.", by, to_value="draft")
    return reflection


# ---------------------------------------------------------------- consent and safety


@transaction.atomic
def consent_record(*, participant: Participant, consent: str, by: Actor) -> Participant:
    """Record whether a participant takes part; agents and businesses may decline or withdraw."""
    case = _lock(participant.case)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if consent not in Participant.Consent.values or consent == Participant.Consent.PENDING:
        raise WorkflowError(_("Choose whether they agree, decline or withdraw."))
    if consent == Participant.Consent.WITHDRAWN and participant.consent != Participant.Consent.GIVEN:
        raise WorkflowError(_("Only someone who agreed to take part can withdraw."))
    if participant.consent == consent:
        return participant
    previous = participant.consent
    participant.consent = consent
    participant.save(update_fields=["consent"])
    _record(
        case,
        CaseEvent.Kind.CONSENT,
        f"{participant.name} ({participant.get_role_display().lower()}): {participant.get_consent_display().lower()}.",
        by,
        from_value=previous,
        to_value=consent,
    )
    if case.status == Case.Status.OPEN:
        _advance(case, by)
    return participant


@transaction.atomic
def safety_approve(*, case: Case, note: str, by: AbstractBaseUser) -> SafetyApproval:
    """A supervisor approves scheduling shifts and the meeting on a high-risk case."""
    if not is_supervisor(by):
        raise WorkflowError(_("Only a supervisor can give the safety approval."))
    case = _lock(case)
    if case.risk != Case.Risk.HIGH:
        raise WorkflowError(_("Only high-risk cases need a safety approval."))
    if SafetyApproval.objects.filter(case=case).exists():
        raise WorkflowError(_("This case already has its safety approval."))
    approval = SafetyApproval.objects.create(
        case=case, approved_by=by, note=_text(note, _("Please write a note on the safety approval."))
    )
    _record(case, CaseEvent.Kind.SAFETY, f"Safety approval given: {approval.note}", by, to_value="approved")
    return approval


# ---------------------------------------------------------------- step 2: plan


@transaction.atomic
def plan_create_version(
    *,
    case: Case,
    by: AbstractBaseUser,
    goals_redemption: str,
    goals_empathy: str,
    goals_reconciliation: str,
    role_swap_hours: Decimal,
    personal_time_with_agent: bool,
    meeting_format: str,
) -> ReconciliationPlan:
    """Draft the plan, or edit it: each edit is a new version, and earlier sign-offs do not count for it."""
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.PLAN)
    if not (Decimal(0) < role_swap_hours <= Decimal(200)):
        raise WorkflowError(_("Role-swap hours must be more than 0 and at most 200."))
    latest = case.plans.order_by("-version").first()
    plan = ReconciliationPlan.objects.create(
        case=case,
        version=(latest.version + 1) if latest else 1,
        goals_redemption=_text(goals_redemption, _("Please write the goals for redemption.")),
        goals_empathy=_text(goals_empathy, _("Please write the goals for empathy.")),
        goals_reconciliation=_text(goals_reconciliation, _("Please write the goals for reconciliation.")),
        role_swap_hours=role_swap_hours,
        personal_time_with_agent=personal_time_with_agent,
        meeting_format=meeting_format,
        created_by=by,
    )
    message = f"Plan version {plan.version} drafted: {plan.role_swap_hours} role-swap hours."
    if latest:
        message += " Earlier sign-offs do not count for it."
    _record(case, CaseEvent.Kind.PLAN, message, by, from_value=latest.version if latest else "", to_value=plan.version)
    return plan


@transaction.atomic
def plan_signoff(
    *, plan: ReconciliationPlan, participant: Participant, decision: str, comment: str = "", by: Actor
) -> PlanSignoff:
    """A participant agrees to the current plan version or asks for changes."""
    case = _lock(plan.case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.PLAN)
    current = case.plans.order_by("-version").first()
    if current is None or current.pk != plan.pk:
        raise WorkflowError(
            _(
                "This is version %(old)s of the plan, but the plan is now at version %(new)s. "
                "Please read the new version before signing."
            )
            % {"old": plan.version, "new": current.version}
        )
    if participant.case_id != case.pk:
        raise WorkflowError(_("That person is not part of this case."))
    if participant not in workflow.required_signers(list(case.participants.all())):
        raise WorkflowError(_("%(name)s is not asked to sign the plan.") % {"name": participant.name})
    if decision not in PlanSignoff.Decision.values:
        raise WorkflowError(_("Choose whether to agree or to ask for changes."))
    comment = (comment or "").strip()
    if decision == PlanSignoff.Decision.CHANGES_REQUESTED and not comment:
        raise WorkflowError(_("Please say which changes are wanted."))
    signoff, _created = PlanSignoff.objects.update_or_create(
        plan=plan,
        participant=participant,
        defaults={"decision": decision, "comment": comment, "decided_at": timezone.now()},
    )
    verb = "agreed to" if decision == PlanSignoff.Decision.AGREED else "asked for changes to"
    message = f"{participant.name} ({participant.get_role_display().lower()}) {verb} plan version {plan.version}."
    if comment:
        message += f" “{comment}”"
    _record(case, CaseEvent.Kind.SIGNOFF, message, by, to_value=decision)
    _advance(case, by)
    return signoff


# ---------------------------------------------------------------- step 3: role-swap shifts


def _check_slot(
    case: Case,
    starts_at: datetime,
    ends_at: datetime,
    *,
    agent: Participant | None,
    agent_starts_at: datetime | None,
    agent_ends_at: datetime | None,
    exclude: RoleSwapShift | None = None,
) -> None:
    _check_period(starts_at, ends_at, _("The shift must end after it starts."))
    _in_future(starts_at, _("The shift must be in the future."))
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
        _check_period(agent_starts_at, agent_ends_at, _("The staff member's hours must end after they start."))
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
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.ROLE_SWAP)
    workflow.check_safety(
        workflow.snapshot(case),
        _("This is a high-risk case: a supervisor must approve it before any shift is scheduled."),
    )
    if agent is not None and (agent.case_id != case.pk or agent.role != Participant.Role.AGENT):
        raise WorkflowError(_("Choose a staff member of this case."))
    _check_slot(case, starts_at, ends_at, agent=agent, agent_starts_at=agent_starts_at, agent_ends_at=agent_ends_at)
    shift = RoleSwapShift.objects.create(
        case=case,
        business=case.incident.business,
        starts_at=starts_at,
        ends_at=ends_at,
        role=_text(role, _("Please write the role the customer takes.")),
        location=_text(location, _("Please write where the shift is.")),
        supervisor_on_site=_text(supervisor_on_site, _("Please write who supervises on site.")),
        agent=agent,
        agent_starts_at=agent_starts_at,
        agent_ends_at=agent_ends_at,
    )
    _record(case, CaseEvent.Kind.SHIFT, f"Shift proposed: {_when(shift)} as {shift.role}.", by, to_value=shift.state)
    return shift


def _when(shift: RoleSwapShift) -> str:
    return f"{timezone.localtime(shift.starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(shift.ends_at):%H:%M}"


def _lock_shift(shift: RoleSwapShift, *allowed: str, doing: str) -> tuple[Case, RoleSwapShift]:
    case = _lock(shift.case)
    shift = RoleSwapShift.objects.select_for_update().get(pk=shift.pk)
    workflow.check_case_active(case)
    if shift.state not in allowed:
        raise WorkflowError(
            _("A shift that is %(state)s cannot be %(doing)s.")
            % {"state": shift.get_state_display().lower(), "doing": doing}
        )
    return case, shift


def _shift_changed(case: Case, shift: RoleSwapShift, previous: str, message: str, by: Actor) -> RoleSwapShift:
    shift.save()
    _record(
        case, CaseEvent.Kind.SHIFT, f"Shift {_when(shift)}: {message}", by, from_value=previous, to_value=shift.state
    )
    return shift


@transaction.atomic
def shift_confirm(*, shift: RoleSwapShift, by: Actor) -> RoleSwapShift:
    """The business confirms a proposed shift."""
    case, shift = _lock_shift(shift, RoleSwapShift.State.PROPOSED, doing=_("confirmed"))
    shift.state = RoleSwapShift.State.CONFIRMED
    return _shift_changed(case, shift, RoleSwapShift.State.PROPOSED, "confirmed by the business.", by)


@transaction.atomic
def shift_decline(*, shift: RoleSwapShift, reason: str, by: Actor) -> RoleSwapShift:
    """The business declines a proposed shift, saying why."""
    case, shift = _lock_shift(shift, RoleSwapShift.State.PROPOSED, doing=_("declined"))
    shift.decline_reason = _text(reason, _("Please write why the shift is declined."))
    shift.state = RoleSwapShift.State.DECLINED
    return _shift_changed(case, shift, RoleSwapShift.State.PROPOSED, f"declined. “{shift.decline_reason}”", by)


@transaction.atomic
def shift_counter_propose(*, shift: RoleSwapShift, starts_at: datetime, ends_at: datetime, by: Actor) -> RoleSwapShift:
    """The business answers a proposed shift with another time."""
    case, shift = _lock_shift(shift, RoleSwapShift.State.PROPOSED, doing=_("answered with another time"))
    _check_slot(
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
    case, shift = _lock_shift(shift, RoleSwapShift.State.COUNTER_PROPOSED, doing=_("moved to the business's time"))
    _check_slot(
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
    case, shift = _lock_shift(
        shift,
        RoleSwapShift.State.PROPOSED,
        RoleSwapShift.State.CONFIRMED,
        RoleSwapShift.State.COUNTER_PROPOSED,
        doing=_("cancelled"),
    )
    previous = shift.state
    shift.decline_reason = _text(reason, _("Please write why the shift is cancelled."))
    shift.state = RoleSwapShift.State.CANCELLED
    return _shift_changed(case, shift, previous, f"cancelled. “{shift.decline_reason}”", by)


@transaction.atomic
def shift_record_attendance(
    *, shift: RoleSwapShift, attended: bool, hours: Decimal | None = None, feedback: str = "", by: Actor
) -> RoleSwapShift:
    """After a confirmed shift, the business records attendance, hours and feedback."""
    case, shift = _lock_shift(shift, RoleSwapShift.State.CONFIRMED, doing=_("marked attended or no-show"))
    if timezone.now() < shift.starts_at:
        raise WorkflowError(_("Attendance can be recorded only once the shift has started."))
    shift.business_feedback = (feedback or "").strip()
    if attended:
        if hours is None or not (Decimal(0) < hours <= shift.hours):
            raise WorkflowError(
                _("Hours attended must be more than 0 and at most the shift's %(hours)s hours.")
                % {"hours": shift.hours}
            )
        shift.hours_attended = hours
        shift.state = RoleSwapShift.State.ATTENDED
        message = f"attended, {hours:.1f} hours."
    else:
        shift.hours_attended = None
        shift.state = RoleSwapShift.State.NO_SHOW
        message = "the customer did not come."
    _shift_changed(case, shift, RoleSwapShift.State.CONFIRMED, message, by)
    _advance(case, by)
    return shift


@transaction.atomic
def shift_customer_reflection(*, shift: RoleSwapShift, text: str, by: Actor) -> RoleSwapShift:
    """The customer's short reflection after a shift they attended."""
    case, shift = _lock_shift(shift, RoleSwapShift.State.ATTENDED, doing=_("reflected on before it is attended"))
    shift.customer_reflection = _text(text, _("Please write a few words about the shift."))
    shift.save(update_fields=["customer_reflection"])
    _record(case, CaseEvent.Kind.SHIFT, f"Shift {_when(shift)}: the customer wrote a reflection.", by)
    return shift


# ---------------------------------------------------------------- step 4: restorative meeting


@transaction.atomic
def meeting_schedule(
    *,
    case: Case,
    by: AbstractBaseUser,
    scheduled_at: datetime,
    format: str,  # noqa: A002 - the domain's word
    location: str,
    facilitator: str,
    safety_plan: str = "",
) -> RestorativeMeeting:
    """Schedule (or reschedule) the restorative meeting; a case that is not low-risk needs a safety plan."""
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.MEETING)
    workflow.check_safety(
        workflow.snapshot(case),
        _("This is a high-risk case: a supervisor must approve it before the meeting is scheduled."),
    )
    _in_future(scheduled_at, _("The meeting must be in the future."))
    safety_plan = (safety_plan or "").strip()
    if case.risk != Case.Risk.LOW and not safety_plan:
        raise WorkflowError(
            _("This case's risk is %(risk)s: write a safety plan for the meeting.")
            % {"risk": case.get_risk_display().lower()}
        )
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first()
    if meeting and meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("The meeting was already %(state)s.") % {"state": meeting.get_state_display().lower()})
    rescheduled = meeting is not None
    meeting = meeting or RestorativeMeeting(case=case)
    meeting.scheduled_at = scheduled_at
    meeting.format = format
    meeting.location = _text(location, _("Please write where the meeting is, or its video link."))
    meeting.facilitator = _text(facilitator, _("Please write who facilitates the meeting."))
    meeting.safety_plan = safety_plan
    meeting.updated_at = timezone.now()
    meeting.save()
    verb = "rescheduled" if rescheduled else "scheduled"
    when = f"{timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}"
    _record(
        case,
        CaseEvent.Kind.MEETING,
        f"Meeting {verb} for {when} ({meeting.get_format_display().lower()}).",
        by,
        to_value="scheduled",
    )
    return meeting


@transaction.atomic
def meeting_record_outcome(
    *,
    case: Case,
    by: AbstractBaseUser,
    gratitude_expressed: bool,
    acknowledgment_expressed: bool,
    ownership_expressed: bool,
    notes: str,
) -> RestorativeMeeting:
    """After the meeting, record what was expressed. This completes step 4."""
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.MEETING)
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first()
    if meeting is None or meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("Only a scheduled meeting can have its outcome recorded."))
    if timezone.now() < meeting.scheduled_at:
        raise WorkflowError(_("The outcome can be recorded only once the meeting has taken place."))
    meeting.gratitude_expressed = gratitude_expressed
    meeting.acknowledgment_expressed = acknowledgment_expressed
    meeting.ownership_expressed = ownership_expressed
    meeting.outcome_notes = _text(notes, _("Please write notes on how the meeting went."))
    meeting.state = RestorativeMeeting.State.HELD
    meeting.updated_at = timezone.now()
    meeting.save()
    expressed = [
        name
        for name, said in (
            ("gratitude", gratitude_expressed),
            ("acknowledgment", acknowledgment_expressed),
            ("ownership", ownership_expressed),
        )
        if said
    ]
    summary = ", ".join(expressed) if expressed else "none of gratitude, acknowledgment, ownership"
    _record(
        case,
        CaseEvent.Kind.MEETING,
        f"Meeting held; expressed: {summary}.",
        by,
        from_value="scheduled",
        to_value="held",
    )
    _advance(case, by)
    return meeting


@transaction.atomic
def meeting_skip(*, case: Case, reason: str, by: AbstractBaseUser) -> RestorativeMeeting:
    """When the staff member declines, the meeting step is completed as skipped, with the reason."""
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.MEETING)
    agents = list(case.participants.filter(role=Participant.Role.AGENT))
    if any(a.consent == Participant.Consent.GIVEN and not a.no_contact for a in agents):
        raise WorkflowError(
            _(
                "A staff member agreed to take part: the meeting can be skipped only if they decline, "
                "or by a supervisor skipping the step."
            )
        )
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first() or RestorativeMeeting(case=case)
    if meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("The meeting was already %(state)s.") % {"state": meeting.get_state_display().lower()})
    meeting.skip_reason = _text(reason, _("Please write why the meeting is skipped."))
    meeting.state = RestorativeMeeting.State.SKIPPED
    meeting.updated_at = timezone.now()
    meeting.save()
    _record(case, CaseEvent.Kind.MEETING, f"Meeting skipped: {meeting.skip_reason}", by, to_value="skipped")
    _advance(case, by)
    return meeting


# ---------------------------------------------------------------- step 5: commitments and check-ins


@transaction.atomic
def commitments_draft(*, case: Case, commitments: str, off_limits: str, by: AbstractBaseUser) -> Commitment:
    """Write (or rewrite) the commitments the customer is asked to agree to."""
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.COMMITMENTS)
    commitment = Commitment.objects.select_for_update().filter(case=case).first()
    if commitment and commitment.agreed_at:
        raise WorkflowError(_("The customer already agreed to the commitments; they can no longer change."))
    commitment = commitment or Commitment(case=case)
    commitment.commitments = _text(commitments, _("Please write what the customer commits to."))
    commitment.off_limits = _text(off_limits, _("Please write which behaviour is off limits."))
    commitment.drafted_at = timezone.now()
    commitment.save()
    _record(case, CaseEvent.Kind.COMMITMENT, "Commitments written for the customer to agree to.", by)
    return commitment


@transaction.atomic
def commitments_agree(*, case: Case, by: Actor) -> Commitment:
    """The customer agrees to the commitments; the case is completed and check-ins are scheduled."""
    case = _lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, Case.Step.COMMITMENTS)
    commitment = Commitment.objects.select_for_update().filter(case=case).first()
    if commitment is None:
        raise WorkflowError(_("There are no commitments to agree to yet."))
    if commitment.agreed_at:
        raise WorkflowError(_("The customer already agreed to the commitments."))
    commitment.agreed_at = timezone.now()
    commitment.save(update_fields=["agreed_at"])
    _record(case, CaseEvent.Kind.COMMITMENT, "The customer agreed to the commitments.", by, to_value="agreed")
    _advance(case, by)
    return commitment


@transaction.atomic
def checkin_record(*, checkin: CheckIn, answers: str, by: Actor) -> CheckIn:
    """Record a check-in's answers."""
    case = _lock(checkin.case)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.state != CheckIn.State.DUE:
        raise WorkflowError(_("This check-in is already %(state)s.") % {"state": checkin.get_state_display().lower()})
    checkin.answers = _text(answers, _("Please write the check-in's answers."))
    checkin.state = CheckIn.State.DONE
    checkin.recorded_at = timezone.now()
    checkin.save(update_fields=["answers", "state", "recorded_at"])
    _record(case, CaseEvent.Kind.CHECKIN, f"Check-in after {checkin.days_after} days recorded.", by, to_value="done")
    return checkin


@transaction.atomic
def checkin_miss(*, checkin: CheckIn, by: AbstractBaseUser) -> CheckIn:
    case = _lock(checkin.case)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.state != CheckIn.State.DUE:
        raise WorkflowError(_("This check-in is already %(state)s.") % {"state": checkin.get_state_display().lower()})
    checkin.state = CheckIn.State.MISSED
    checkin.recorded_at = timezone.now()
    checkin.save(update_fields=["state", "recorded_at"])
    _record(case, CaseEvent.Kind.CHECKIN, f"Check-in after {checkin.days_after} days missed.", by, to_value="missed")
    return checkin


# ---------------------------------------------------------------- skipping a step


@transaction.atomic
def step_skip(*, case: Case, step: int, reason: str, by: AbstractBaseUser) -> StepSkip:
    """A supervisor skips the case's current step, with a reason."""
    if not is_supervisor(by):
        raise WorkflowError(_("Only a supervisor can skip a step."))
    case = _lock(case)
    workflow.check_case_active(case)
    if step != case.step:
        raise WorkflowError(
            _("Only the current step (%(step)s: %(label)s) can be skipped.")
            % {"step": case.step, "label": case.get_step_display().lower()}
        )
    skip = StepSkip.objects.create(
        case=case, step=step, reason=_text(reason, _("Please write why the step is skipped.")), skipped_by=by
    )
    _record(
        case,
        CaseEvent.Kind.STEP,
        f"Step {step} ({case.get_step_display()}) skipped: {skip.reason}",
        by,
        from_value=step,
    )
    _advance(case, by)
    return skip


@transaction.atomic
def meeting_agent_words(*, case: Case, participant: Participant, words: str) -> RestorativeMeeting:
    """The staff member's optional words for the scheduled meeting."""
    case = _lock(case)
    workflow.check_case_active(case)
    if participant.role != Participant.Role.AGENT or participant.consent != Participant.Consent.GIVEN:
        raise WorkflowError(_("Only a staff member taking part can add words for the meeting."))
    meeting = RestorativeMeeting.objects.select_for_update().filter(case=case).first()
    if meeting is None or meeting.state != RestorativeMeeting.State.SCHEDULED:
        raise WorkflowError(_("Words can be added once the meeting is scheduled, and until it takes place."))
    meeting.agent_words = (words or "").strip()
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["agent_words", "updated_at"])
    _record(case, CaseEvent.Kind.MEETING, f"{participant.name} added words for the meeting.", participant)
    return meeting
