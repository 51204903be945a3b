"""Staff pages for cases: list, intake, detail, status changes and reassignment."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import hooks, selectors, services
from .counts import CappedPaginator
from .filters import CaseFilter
from .forms import ContactForm, ReassignForm, StatusChangeForm
from .intake import intake_forms, intake_open
from .models import Case, CaseEvent, Participant
from .roles import is_supervisor, staff_only


def home(request: HttpRequest) -> HttpResponse:
    """The page after login: the dashboard for staff."""
    return redirect("reporting:dashboard")


def case_list(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    supervisor = is_supervisor(request.user)
    case_filter = CaseFilter(
        request.GET,
        queryset=selectors.case_list(user=request.user),
        show_caseworker=supervisor,
        request=request,
    )
    asked = request.GET.get("page")
    page = CappedPaginator(case_filter.qs, settings.CASE_LIST_PAGE_SIZE, page=asked).get_page(asked)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"filter": case_filter, "page": page, "query": query.urlencode(), **hooks.case_list_context(request)},
    )


def case_intake(request: HttpRequest) -> HttpResponse:
    staff_only(request)
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
    staff_only(request)
    case = selectors.case_for_page(user=request.user, reference=reference)
    return render(request, "cases/case_detail.html", detail_context(request, case))


TIMELINE_SHOWN = 25  # on the case page; the timeline page shows the rest, TIMELINE_PAGE at a time
TIMELINE_PAGE = 100
FROM_PARTICIPANTS_SHOWN = 5


def detail_context(request: HttpRequest, case: Case, *, failed=None, **extra) -> dict:
    """Everything the case page shows; ``failed`` is an (action, bound form) to show again.

    What the apps above the core add (the program's step panels, the reminders) comes from the
    ``case_page`` hooks (``cases/hooks.py``). A fixed number of queries whatever the case's
    history: the participants are read once (with their links) for the page and the hooks;
    the timeline once, for itself and for the latest words from participants among it.
    """
    supervisor = is_supervisor(request.user)
    link_rows = selectors.participant_link_rows(case)
    participants = [row["participant"] for row in link_rows]
    timeline, earlier = _timeline_page(case, size=TIMELINE_SHOWN, participants=participants)
    page = hooks.CasePage(request=request, case=case, participants=participants, extra={"failed": failed})
    context = {
        "case": case,
        "steps": Case.Step.choices,
        "from_participants": [event for event in timeline if event.actor_participant_id][:FROM_PARTICIPANTS_SHOWN],
        "timeline": timeline,
        "timeline_earlier": earlier,
        "status_actions": services.status_actions_allowed(case),
        "status_form": StatusChangeForm(),
        "may_reassign": supervisor,
        # The choice of every caseworker (a query) is drawn when the supervisor asks for it.
        "reassign_form": ReassignForm(initial={"caseworker": case.caseworker_id})
        if supervisor and page.asks_for("reassign")
        else None,
        "link_rows": link_rows,
    }
    context.update(hooks.case_page_context(page))
    context.update(extra)
    return context


def _timeline_page(
    case: Case, *, size: int, before: CaseEvent | None = None, participants: list[Participant] | None = None
) -> tuple[list[CaseEvent], CaseEvent | None]:
    """``size`` events of the timeline (older than ``before``), and the last of them if there are earlier
    ones; the participants who did them taken from ``participants`` (all the case's) when given."""
    read = participants is not None
    events = selectors.case_timeline(case, before=before, participants_read=read)[: size + 1]
    events = selectors.attach_participants(events, participants, "actor_participant") if read else list(events)
    return events[:size], (events[size - 1] if len(events) > size else None)


def case_timeline(request: HttpRequest, reference: str) -> HttpResponse:
    """The whole timeline of a case, newest first, ``TIMELINE_PAGE`` events a page; ``?before=`` an event's id."""
    staff_only(request)
    case = selectors.case_for_user(user=request.user, reference=reference)
    before = None
    asked = request.GET.get("before", "")
    if asked.isascii() and asked.isdecimal():  # an event's id; anything else is ignored
        # More digits than an id can have is no event of this case either.
        before = CaseEvent.objects.filter(case=case, pk=int(asked)).first() if len(asked) <= 18 else None
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
    staff_only(request)
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
    staff_only(request)
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


def participant_contact(request: HttpRequest, reference: str, participant_id: int) -> HttpResponse:
    """Change a participant's e-mail, phone and the channel their messages go by."""
    staff_only(request)
    case = selectors.case_for_user(user=request.user, reference=reference)
    person = get_object_or_404(case.participants, pk=participant_id)
    form = ContactForm(request.POST or None, instance=Participant.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_contact_change(
                participant=person, email=data["email"], phone=data["phone"], channel=data["channel"], by=request.user
            )
        except services.WorkflowError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{person.name}'s contact details are saved.")
            return redirect(f"{case.get_absolute_url()}#links")
    return render(request, "cases/participant_contact.html", {"case": case, "person": person, "form": form})
