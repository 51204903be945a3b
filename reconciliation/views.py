"""The step actions of the case page: one POST endpoint, a table of actions, one service each.

A failed action (bad input, or a move the rules refuse) shows the case page again with the
reason and with what was typed still in the form.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.roles import is_caseworker
from cases.views import detail_context

from . import forms, services
from .workflow import WorkflowError


@dataclass(frozen=True)
class Action:
    form: type[forms.StepForm]
    perform: Callable  # (case, cleaned_data, user) -> object
    done: str  # the message after success


ACTIONS: dict[str, Action] = {
    # step 1
    "reflection-save": Action(
        forms.ReflectionForm,
        lambda case, data, user: services.reflection_save_draft(case=case, answers=data, by=user),
        "Draft saved.",
    ),
    "reflection-submit": Action(
        forms.ReflectionForm,
        lambda case, data, user: services.reflection_submit(case=case, answers=data, by=user),
        "Reflection submitted for review.",
    ),
    "reflection-review": Action(
        forms.ReviewForm,
        lambda case, data, user: services.reflection_review(case=case, note=data["note"], by=user),
        "Reflection reviewed.",
    ),
    "reflection-return": Action(
        forms.ReturnForm,
        lambda case, data, user: services.reflection_return(case=case, note=data["note"], by=user),
        "Reflection sent back to the customer.",
    ),
    # people and safety
    "consent": Action(
        forms.ConsentForm,
        lambda case, data, user: services.consent_record(
            participant=data["participant"], consent=data["consent"], by=user
        ),
        "Consent recorded.",
    ),
    "safety-approve": Action(
        forms.SafetyApprovalForm,
        lambda case, data, user: services.safety_approve(case=case, note=data["note"], by=user),
        "Safety approval given.",
    ),
    "step-skip": Action(
        forms.StepSkipForm,
        lambda case, data, user: services.step_skip(case=case, step=case.step, reason=data["reason"], by=user),
        "Step skipped.",
    ),
    # step 2
    "plan-version": Action(
        forms.PlanForm,
        lambda case, data, user: services.plan_create_version(case=case, by=user, **data),
        "Plan saved as a new version.",
    ),
    "plan-signoff": Action(
        forms.SignoffForm,
        lambda case, data, user: services.plan_signoff(
            plan=data["plan"],
            participant=data["participant"],
            decision=data["decision"],
            comment=data["comment"],
            by=user,
        ),
        "Sign-off recorded.",
    ),
    # step 3
    "shift-propose": Action(
        forms.ShiftProposeForm,
        lambda case, data, user: services.shift_propose(case=case, by=user, **data),
        "Shift proposed to the business.",
    ),
    "shift-confirm": Action(
        forms.ShiftForm,
        lambda case, data, user: services.shift_confirm(shift=data["shift"], by=user),
        "Shift confirmed.",
    ),
    "shift-decline": Action(
        forms.ShiftReasonForm,
        lambda case, data, user: services.shift_decline(shift=data["shift"], reason=data["reason"], by=user),
        "Shift declined.",
    ),
    "shift-counter": Action(
        forms.ShiftCounterForm,
        lambda case, data, user: services.shift_counter_propose(
            shift=data["shift"], starts_at=data["starts_at"], ends_at=data["ends_at"], by=user
        ),
        "Other time recorded.",
    ),
    "shift-accept-counter": Action(
        forms.ShiftForm,
        lambda case, data, user: services.shift_accept_counter(shift=data["shift"], by=user),
        "Shift moved to the business's time and confirmed.",
    ),
    "shift-cancel": Action(
        forms.ShiftReasonForm,
        lambda case, data, user: services.shift_cancel(shift=data["shift"], reason=data["reason"], by=user),
        "Shift cancelled.",
    ),
    "shift-attendance": Action(
        forms.AttendanceForm,
        lambda case, data, user: services.shift_record_attendance(
            shift=data["shift"], attended=data["attended"], hours=data["hours"], feedback=data["feedback"], by=user
        ),
        "Attendance recorded.",
    ),
    "shift-reflection": Action(
        forms.ShiftReflectionForm,
        lambda case, data, user: services.shift_customer_reflection(shift=data["shift"], text=data["text"], by=user),
        "The customer's reflection on the shift is saved.",
    ),
    # step 4
    "meeting-schedule": Action(
        forms.MeetingScheduleForm,
        lambda case, data, user: services.meeting_schedule(case=case, by=user, **data),
        "Meeting scheduled.",
    ),
    "meeting-outcome": Action(
        forms.MeetingOutcomeForm,
        lambda case, data, user: services.meeting_record_outcome(case=case, by=user, **data),
        "Meeting outcome recorded.",
    ),
    "meeting-skip": Action(
        forms.MeetingSkipForm,
        lambda case, data, user: services.meeting_skip(case=case, reason=data["reason"], by=user),
        "Meeting skipped.",
    ),
    # step 5
    "commitments-draft": Action(
        forms.CommitmentsForm,
        lambda case, data, user: services.commitments_draft(case=case, by=user, **data),
        "Commitments saved.",
    ),
    "commitments-agree": Action(
        forms.AgreeForm,
        lambda case, data, user: services.commitments_agree(case=case, by=user),
        "The customer's agreement is recorded.",
    ),
    "checkin-record": Action(
        forms.CheckInForm,
        lambda case, data, user: services.checkin_record(checkin=data["checkin"], answers=data["answers"], by=user),
        "Check-in recorded.",
    ),
    "checkin-miss": Action(
        forms.CheckInMissForm,
        lambda case, data, user: services.checkin_miss(checkin=data["checkin"], by=user),
        "Check-in marked as missed.",
    ),
}


@require_POST
def step_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    if not is_caseworker(request.user) or action not in ACTIONS:
        raise Http404("Not found.")
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    spec = ACTIONS[action]
    form = spec.form(request.POST, case=case)
    if form.is_valid():
        try:
            spec.perform(case, form.cleaned_data, request.user)
        except WorkflowError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, spec.done)
            return redirect(f"{case.get_absolute_url()}#step-{case.step}")
    messages.error(request, " ".join(_errors(form)) or "Please correct the fields marked below.")
    context = detail_context(request, case, failed=(action, form))
    return render(request, "cases/case_detail.html", context, status=400)


def _errors(form: forms.StepForm) -> list[str]:
    return [str(error) for error in form.non_field_errors()]
