"""What the case page shows for each step: its state, what is missing, and the forms offered now.

The services decide what is allowed; here we only avoid offering what plainly is not (an
action of another step, a form for a shift in the wrong state). A form that failed is shown
again bound, with its errors and what was typed.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from cases.hooks import CasePage
from cases.models import Case, Participant
from cases.roles import is_supervisor

from . import forms as step_forms
from . import workflow
from .models import CheckIn, PlanSignoff, Reflection, RestorativeMeeting, RoleSwapShift

SHIFT_ACTIONS = {
    RoleSwapShift.State.PROPOSED: ["shift-confirm", "shift-decline", "shift-counter", "shift-cancel"],
    RoleSwapShift.State.COUNTER_PROPOSED: ["shift-accept-counter", "shift-cancel"],
    RoleSwapShift.State.CONFIRMED: ["shift-attendance", "shift-cancel"],
    RoleSwapShift.State.ATTENDED: ["shift-reflection"],
}


@dataclass
class Row:
    """A shift or a check-in with the forms offered for it."""

    item: object
    forms: dict[str, step_forms.StepForm] = field(default_factory=dict)


@dataclass
class Panels:
    case: Case
    snap: workflow.CaseSnapshot
    steps: list[workflow.StepState]
    forms: dict[str, step_forms.StepForm]
    signers: list[tuple[Participant, PlanSignoff | None]]
    shifts: list[Row]
    checkins: list[Row]
    failed_action: str | None

    @property
    def current(self) -> workflow.StepState:
        return self.steps[self.case.step - 1]


def build(
    case: Case,
    user: AbstractBaseUser,
    failed: tuple[str, step_forms.StepForm] | None = None,
    *,
    participants: list[Participant] | None = None,
) -> Panels:
    """The panels of ``case``; ``participants``, if the page has loaded them (by role and id), are not read again."""
    snap = workflow.snapshot(case, participants=participants)
    failed_action, failed_form = failed or (None, None)
    active = case.status == Case.Status.OPEN
    now = timezone.now()

    def form(action: str, form_class: type[step_forms.StepForm], **initial) -> step_forms.StepForm:
        if action == failed_action and _same_row(failed_form, initial):
            return failed_form
        return form_class(case=case, participants=snap.participants, initial=initial or None)

    offered: dict[str, step_forms.StepForm] = {}
    at = case.step if active else None
    if active:
        offered["consent"] = form("consent", step_forms.ConsentForm)
        if is_supervisor(user):
            offered["step-skip"] = form("step-skip", step_forms.StepSkipForm)
    if snap.needs_safety_approval and is_supervisor(user):
        offered["safety-approve"] = form("safety-approve", step_forms.SafetyApprovalForm)

    reflection = snap.reflection
    if at == Case.Step.REFLECTION:
        if reflection is None or reflection.state == Reflection.State.DRAFT:
            answers = {name: getattr(reflection, name) for name in Reflection.QUESTIONS} if reflection else {}
            offered["reflection"] = form("reflection-submit", step_forms.ReflectionForm, **answers)
            if failed_action == "reflection-save":
                offered["reflection"] = failed_form
        elif reflection.state == Reflection.State.SUBMITTED:
            offered["reflection-review"] = form("reflection-review", step_forms.ReviewForm)
            offered["reflection-return"] = form("reflection-return", step_forms.ReturnForm)

    signers = []
    if snap.plan:
        signers = [(person, snap.signoffs.get(person.pk)) for person in workflow.required_signers(snap.participants)]
    if at == Case.Step.PLAN:
        plan_initial = _plan_initial(snap.plan)
        offered["plan-version"] = form("plan-version", step_forms.PlanForm, **plan_initial)
        if snap.plan:
            offered["plan-signoff"] = form("plan-signoff", step_forms.SignoffForm, plan=snap.plan.pk)

    shifts = []
    for shift in case.shifts.select_related("agent").order_by("starts_at"):
        row = Row(shift)
        if active:
            for action in SHIFT_ACTIONS.get(shift.state, []):
                if action == "shift-attendance" and shift.starts_at > now:
                    continue
                if action == "shift-reflection" and shift.customer_reflection:
                    continue
                action_form = ACTION_FORMS[action]
                row.forms[action] = form(action, action_form, shift=shift.pk)
        shifts.append(row)
    if at == Case.Step.ROLE_SWAP and not snap.needs_safety_approval:
        offered["shift-propose"] = form("shift-propose", step_forms.ShiftProposeForm)

    meeting = snap.meeting
    if at == Case.Step.MEETING:
        if not snap.needs_safety_approval and (meeting is None or meeting.state == RestorativeMeeting.State.SCHEDULED):
            initial = _meeting_initial(meeting, snap)
            offered["meeting-schedule"] = form("meeting-schedule", step_forms.MeetingScheduleForm, **initial)
        if meeting and meeting.state == RestorativeMeeting.State.SCHEDULED and meeting.scheduled_at <= now:
            offered["meeting-outcome"] = form("meeting-outcome", step_forms.MeetingOutcomeForm)
        offered["meeting-skip"] = form("meeting-skip", step_forms.MeetingSkipForm)

    commitment = snap.commitment
    if at == Case.Step.COMMITMENTS and not (commitment and commitment.agreed_at):
        initial = {"commitments": commitment.commitments, "off_limits": commitment.off_limits} if commitment else {}
        offered["commitments-draft"] = form("commitments-draft", step_forms.CommitmentsForm, **initial)
        if commitment:
            offered["commitments-agree"] = form("commitments-agree", step_forms.AgreeForm)

    checkins = []
    for checkin in case.checkins.order_by("due_on"):
        row = Row(checkin)
        if checkin.state == CheckIn.State.DUE:
            row.forms["checkin-record"] = form("checkin-record", step_forms.CheckInForm, checkin=checkin.pk)
            row.forms["checkin-miss"] = form("checkin-miss", step_forms.CheckInMissForm, checkin=checkin.pk)
        checkins.append(row)

    for row in shifts + checkins:
        row.forms = _template_keys(row.forms)
    return Panels(
        case=case,
        snap=snap,
        steps=workflow.progress(snap),
        forms=_template_keys(offered),
        signers=signers,
        shifts=shifts,
        checkins=checkins,
        failed_action=failed_action,
    )


ACTION_FORMS = {
    "shift-confirm": step_forms.ShiftForm,
    "shift-accept-counter": step_forms.ShiftForm,
    "shift-decline": step_forms.ShiftReasonForm,
    "shift-cancel": step_forms.ShiftReasonForm,
    "shift-counter": step_forms.ShiftCounterForm,
    "shift-attendance": step_forms.AttendanceForm,
    "shift-reflection": step_forms.ShiftReflectionForm,
}


def _template_keys(offered: dict) -> dict:
    """Templates cannot read keys with hyphens: "shift-confirm" is offered as shift_confirm."""
    return {action.replace("-", "_"): form for action, form in offered.items()}


def _same_row(failed_form: step_forms.StepForm | None, initial: dict) -> bool:
    """A failed per-row form belongs to the row (shift, check-in) it was posted for."""
    if failed_form is None:
        return False
    for key in ("shift", "checkin"):
        if key in initial:
            return str(failed_form.data.get(key)) == str(initial[key])
    return True


def _plan_initial(plan) -> dict:
    if plan is None:
        return {}
    return {name: getattr(plan, name) for name in step_forms.PlanForm.Meta.fields}


def _meeting_initial(meeting: RestorativeMeeting | None, snap: workflow.CaseSnapshot) -> dict:
    if meeting is None:
        return {"format": snap.plan.meeting_format} if snap.plan else {}
    return {
        "scheduled_at": timezone.localtime(meeting.scheduled_at) if meeting.scheduled_at else None,
        "format": meeting.format,
        "location": meeting.location,
        "facilitator": meeting.facilitator,
        "safety_plan": meeting.safety_plan,
    }


def case_page_panels(page: CasePage) -> dict:
    """The case page's step panels (a ``case_page`` hook): a failed form is shown again, bound."""
    failed = page.extra.get("failed")
    return {"panels": build(page.case, page.request.user, failed=failed, participants=page.participants)}
