"""Staff pages for cases: list, intake, detail, status changes and reassignment."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reconciliation import panels
from reconciliation import selectors as reminder_selectors

from . import selectors, services
from .counts import CappedPaginator
from .filters import CaseFilter
from .forms import (
    AgentFormSet,
    BusinessForm,
    BusinessRepresentativeForm,
    CaseAssignmentForm,
    CustomerForm,
    IncidentForm,
    ReassignForm,
    StatusChangeForm,
)
from .models import Case, CaseEvent
from .roles import is_caseworker, is_supervisor
from .views_links import pop_issued_link


def _staff_only(request: HttpRequest) -> None:
    # Logged-in accounts without a staff role see no case pages at all.
    if not is_caseworker(request.user):
        raise Http404("Not found.")


def home(request: HttpRequest) -> HttpResponse:
    """The page after login: the dashboard for staff."""
    return redirect("cases:dashboard")


def case_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    supervisor = is_supervisor(request.user)
    case_filter = CaseFilter(
        request.GET, queryset=selectors.case_list(user=request.user), show_caseworker=supervisor
    )
    asked = request.GET.get("page")
    page = CappedPaginator(case_filter.qs, settings.CASE_LIST_PAGE_SIZE, page=asked).get_page(asked)
    query = request.GET.copy()
    query.pop("page", None)
    failed = list(reminder_selectors.failed_reminders_for(request.user, counted=True)[:FAILED_SHOWN])
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "query": query.urlencode(),
            "failed_reminders": failed,
            "failed_total": failed[0].total if failed else 0,
            "failed_shown": FAILED_SHOWN,
        },
    )


FAILED_SHOWN = 10


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


def case_intake(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    data = request.POST if request.method == "POST" else None
    forms, agents = intake_forms(data, user=request.user)
    if request.method == "POST":
        opened = intake_open(
            request,
            forms,
            agents,
            open_case=lambda intake: services.case_open(intake=intake, by=request.user),
            success="Case {reference} opened.",
        )
        if opened:
            return opened
    return render(request, "cases/case_intake.html", {**forms, "agents": agents})


def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _staff_only(request)
    case = selectors.case_for_page(user=request.user, reference=reference)
    return render(request, "cases/case_detail.html", detail_context(request, case))


TIMELINE_SHOWN = 50  # on the case page; the timeline page shows the rest, TIMELINE_PAGE at a time
TIMELINE_PAGE = 100
FROM_PARTICIPANTS_SHOWN = 5


def detail_context(request: HttpRequest, case: Case, *, failed=None, **extra) -> dict:
    """Everything the case page shows; ``failed`` is an (action, bound form) to show again.

    A fixed number of queries whatever the case's history: the participants are read once
    (with their links) for the page, the panels and their forms; the timeline once, for
    itself and for the latest words from participants among it.
    """
    link_rows = selectors.participant_link_rows(case)
    timeline, earlier = _timeline_page(case, size=TIMELINE_SHOWN)
    context = {
        "case": case,
        "steps": Case.Step.choices,
        "from_participants": [event for event in timeline if event.actor_participant_id][:FROM_PARTICIPANTS_SHOWN],
        "timeline": timeline,
        "timeline_earlier": earlier,
        "status_actions": services.status_actions_allowed(case),
        "status_form": StatusChangeForm(),
        "reassign_form": ReassignForm(initial={"caseworker": case.caseworker_id})
        if is_supervisor(request.user)
        else None,
        "panels": panels.build(
            case, request.user, failed=failed, participants=[row["participant"] for row in link_rows]
        ),
        "reminders": reminder_selectors.case_reminders(case),
        "link_rows": link_rows,
        "issued_link": pop_issued_link(request, [row["participant"].pk for row in link_rows]),
    }
    context.update(extra)
    return context


def _timeline_page(
    case: Case, *, size: int, before: CaseEvent | None = None
) -> tuple[list[CaseEvent], CaseEvent | None]:
    """``size`` events of the timeline (older than ``before``), and the last of them if there are earlier ones."""
    events = list(selectors.case_timeline(case, before=before)[: size + 1])
    return events[:size], (events[size - 1] if len(events) > size else None)


def case_timeline(request: HttpRequest, reference: str) -> HttpResponse:
    """The whole timeline of a case, newest first, ``TIMELINE_PAGE`` events a page; ``?before=`` an event's id."""
    _staff_only(request)
    case = selectors.case_for_user(user=request.user, reference=reference)
    before = None
    if request.GET.get("before", "").isdigit():
        before = CaseEvent.objects.filter(case=case, pk=int(request.GET["before"])).first()
        if before is None:
            raise Http404("No such event on this case.")
    timeline, earlier = _timeline_page(case, size=TIMELINE_PAGE, before=before)
    return render(
        request,
        "cases/case_timeline.html",
        {"case": case, "timeline": timeline, "timeline_earlier": earlier, "paged": before is not None},
    )


@require_POST
def case_change_status(request: HttpRequest, reference: str) -> HttpResponse:
    _staff_only(request)
    case = selectors.case_for_user(user=request.user, reference=reference)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            services.case_change_status(
                case=case, action=form.cleaned_data["action"], reason=form.cleaned_data["reason"], by=request.user
            )
        except services.WorkflowError as error:
            messages.error(request, " ".join(error.messages))
            return render(
                request, "cases/case_detail.html", detail_context(request, case, status_form=form), status=400
            )
        messages.success(request, f"Case {case.reference}: status changed.")
        return redirect(case)
    messages.error(request, "That status change is not possible.")
    return render(request, "cases/case_detail.html", detail_context(request, case, status_form=form), status=400)


@require_POST
def case_reassign(request: HttpRequest, reference: str) -> HttpResponse:
    _staff_only(request)
    case = selectors.case_for_user(user=request.user, reference=reference)
    if not is_supervisor(request.user):
        raise Http404("Not found.")
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            services.case_reassign(case=case, caseworker=form.cleaned_data["caseworker"], by=request.user)
        except services.WorkflowError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Case {case.reference} reassigned to {form.cleaned_data['caseworker']}.")
    else:
        messages.error(request, "Choose a caseworker to assign the case to.")
    return redirect(case)
