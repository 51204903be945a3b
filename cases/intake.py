"""The intake page's forms and how a posted intake opens a case.

Used by the staff intake page (``cases.views``) and by a supervisor accepting a referral
(``referrals.views``), which pre-fills the same forms from what the public form gathered.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import services
from .forms import (
    AgentFormSet,
    BusinessForm,
    BusinessRepresentativeForm,
    CaseAssignmentForm,
    CustomerForm,
    IncidentForm,
)
from .roles import is_supervisor


def intake_forms(data=None, *, user, initial: dict | None = None) -> tuple[dict, AgentFormSet]:
    """The intake page's section forms and its staff-member formset, bound to ``data`` or pre-filled.

    ``initial`` maps a section (``incident``, ``business``, ``representative``, ``customer``,
    ``assignment``) to its values, and ``agents`` to a list of values, one per staff member.
    """
    initial = initial or {}
    forms = {
        "incident": IncidentForm(data, prefix="incident", initial=initial.get("incident")),
        "business": BusinessForm(data, prefix="business", initial=initial.get("business")),
        "representative": BusinessRepresentativeForm(
            data, prefix="representative", initial=initial.get("representative")
        ),
        "customer": CustomerForm(data, prefix="customer", initial=initial.get("customer")),
        "assignment": CaseAssignmentForm(
            data, prefix="case", can_assign_others=is_supervisor(user), initial=initial.get("assignment")
        ),
    }
    agents = AgentFormSet(data, prefix="agents")
    if not agents.is_bound:
        # Pre-filled staff members stay "extra" forms rather than the formset's initial forms,
        # so that an untouched block still counts as typed on submit, and a block can be emptied.
        for form, values in zip(agents.forms, initial.get("agents", []), strict=False):
            form.initial = values
    return forms, agents


def intake_details(forms: dict, agents: AgentFormSet, *, user) -> services.IntakeDetails | None:
    """What the intake forms say, or None when a form has errors (shown next to its fields)."""
    if not (all(form.is_valid() for form in forms.values()) & agents.is_valid()):
        return None
    return services.IntakeDetails(
        incident=forms["incident"].cleaned_data,
        business=forms["business"].cleaned_data.get("existing"),
        new_business=forms["business"].new_business(),
        customer=forms["customer"].details(),
        agents=[form.details() for form in agents if form.has_changed() and form.cleaned_data],
        business_representative=forms["representative"].details(),
        caseworker=forms["assignment"].cleaned_data.get("caseworker", user),
        risk=forms["assignment"].cleaned_data.get("risk") or None,
    )


def intake_open(request: HttpRequest, forms: dict, agents, *, open_case, success: str) -> HttpResponse | None:
    """Open a case from a posted intake form with ``open_case(intake)``; a redirect to it, or None
    when the form has errors or the rules refuse (the reasons are shown with the form)."""
    intake = intake_details(forms, agents, user=request.user)
    if intake is None:
        messages.error(request, "The case was not opened. Please correct the fields marked below.")
        return None
    others = services.open_cases_for_customer_email(intake.customer.email)
    try:
        case = open_case(intake)
    except services.WorkflowError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, success.format(reference=case.reference))
    if others:
        messages.warning(request, f"Note: this customer's e-mail already has an open case: {', '.join(others)}.")
    return redirect(case)
