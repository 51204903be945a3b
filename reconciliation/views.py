"""The actions of the case page: one POST endpoint; each action a form and one service call.

A failed action (bad input, or a move the rules refuse) shows the case page again with the
reason and with what was typed still in the form.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.roles import is_caseworker
from cases.views import detail_context

from . import forms, panels, services
from .registry import REGISTRY, Action
from .workflow import WorkflowError

# The case's own actions, beside those of its steps (``Step.actions``).
CASE_ACTIONS: dict[str, Action] = {
    "consent": Action(
        forms.ConsentForm,
        lambda case, data, user: services.consent_record(
            participant=data["participant"], consent=data["consent"], by=user
        ),
        "Consent recorded.",
    ),
    "called": Action(
        forms.CallDoneForm,
        lambda case, data, user: services.call_done(participant=data["participant"], note=data["note"], by=user),
        "Recorded that you called them: what happens next on the case reaches them again.",
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
}


def actions() -> dict[str, Action]:
    """Every action of the case page: the case's own and each step's."""
    return {**CASE_ACTIONS, **{name: action for name, (_step, action) in REGISTRY.actions().items()}}


@require_POST
def step_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    spec = actions().get(action)
    if not is_caseworker(request.user) or spec is None:
        raise Http404("Not found.")
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    form = spec.form(request.POST, case=case, auto_id=panels.field_ids(action, request.POST))
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
