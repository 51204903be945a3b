"""Staff pages for the day's work and the program's figures: dashboard, reports, exports, calendar feed."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases import selectors
from cases.filters import CaseFilter
from cases.models import CalendarFeed, Case
from cases.roles import is_supervisor, staff_only
from questionnaires import research
from reconciliation.registry import REGISTRY

from . import calendar_feed, dashboard, exports, reports
from .forms import DashboardFilterForm, ReportFilterForm

FILTERS_NOT_UNDERSTOOD = "Some filters were not understood and were ignored; see the marked fields."
AGENDA_LENGTH = 25


def dashboard_page(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    supervisor = is_supervisor(request.user)
    moment = dashboard.Moment(now=timezone.now(), today=timezone.localdate())
    # A supervisor's one query for the staff: the choice of dashboards, the case loads, their own calendar feed.
    staff = dashboard.caseloads(moment) if supervisor else None
    form = DashboardFilterForm(request.GET, staff=staff) if supervisor else None
    caseworker = form.chosen_caseworker() if form else None
    scope = dashboard.scope_for(request.user, caseworker=caseworker)

    counts = dashboard.figures(scope, moment)
    narrow = {"caseworker": caseworker.pk} if caseworker else {}
    case_list = reverse("cases:list")
    steps = [
        {
            "step": step,
            "label": label,
            "count": counts[f"step_{step}"],
            "url": f"{case_list}?{urlencode({'status': Case.Status.OPEN, 'step': step, **narrow})}",
        }
        for step, label in REGISTRY.choices()
    ]
    statuses = [
        {"label": label, "count": counts[status], "url": f"{case_list}?{urlencode({'status': status, **narrow})}"}
        for status, label in Case.Status.choices
        if status != Case.Status.OPEN
    ]
    agenda, upcoming = dashboard.agenda(scope, moment, limit=AGENDA_LENGTH)
    shift_count, meeting_count = upcoming["shift"], upcoming["meeting"]
    checkin_count = counts["checkins_due"]
    # A caseworker's tasks on the cases they hold (those they can open); a supervisor's, on any.
    checkins, tasks, task_count = dashboard.checkins_and_tasks(
        scope, moment, limit=AGENDA_LENGTH, owner_must_hold_case=not supervisor
    )
    context = {
        "filter_form": form,
        "chosen": caseworker,
        "open_cases": sum(step["count"] for step in steps),
        "steps": steps,
        "statuses": statuses,
        "tiles": dashboard.action_tiles(scope, moment, counts=counts),
        "agenda": agenda,
        "agenda_more": max(shift_count + meeting_count - len(agenda), 0),
        "shift_count": shift_count,
        "meeting_count": meeting_count,
        "checkins": checkins,
        "tasks": tasks,
        "task_count": task_count,
        "task_more": max(task_count - len(tasks), 0),
        "tasks_of_everyone": supervisor and caseworker is None,
        "checkin_count": checkin_count,
        "checkin_more": max(checkin_count - AGENDA_LENGTH, 0),
        "today": moment.today,
        "upcoming_days": dashboard.UPCOMING_DAYS,
        "caseloads": staff if supervisor and caseworker is None else None,
        "calendar_feed": _calendar_feed(request.user, staff),
    }
    if form is not None and form.errors:
        context["filters_not_understood"] = FILTERS_NOT_UNDERSTOOD
    return render(request, "reporting/dashboard.html", context)


def _calendar_feed(user, staff: list | None) -> CalendarFeed | None:
    """The user's calendar feed: already loaded with the staff for a supervisor, else one query."""
    me = next((person for person in staff or [] if person.pk == user.pk), None)
    if me is not None:
        return getattr(me, "calendar_feed", None)
    return dashboard.calendar_feed(user)


@require_POST
def calendar_feed_reset(request: HttpRequest) -> HttpResponse:
    """Issue (or re-issue) the user's calendar address; it is shown on this page only, once."""
    staff_only(request)
    token = calendar_feed.calendar_feed_reset(user=request.user)
    feed_url = request.build_absolute_uri(calendar_feed.feed_path(token))
    return render(request, "reporting/calendar_feed.html", {"feed_url": feed_url})


@require_POST
def calendar_feed_stop(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if calendar_feed.calendar_feed_stop(user=request.user):
        messages.success(request, "Your calendar feed is turned off: its address no longer works.")
    return redirect("reporting:dashboard")


@login_not_required
@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The secret calendar address: no login, since calendar apps cannot log in."""
    user = calendar_feed.calendar_feed_owner(token)
    if user is None:
        raise Http404("No calendar here.")
    body = exports.calendar_ics(user=user, now=timezone.now(), site=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pli-calendar.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _supervisors_only(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise Http404("Not found.")


def reports_page(request: HttpRequest) -> HttpResponse:
    _supervisors_only(request)
    today = timezone.localdate()
    query = request.GET.copy()
    if not query.get("start") and not query.get("end"):
        # Show the range in effect in the date fields.
        default = reports.Period.default(today)
        query["start"], query["end"] = default.start.isoformat(), default.end.isoformat()
    form = ReportFilterForm(query)
    period = form.period(today)
    scope = dashboard.scope_for(request.user, caseworker=form.chosen_caseworker())
    result = reports.report(scope, period, today=today)
    changes = research.before_after(scope.cases(), since=period.since, until=period.until)
    research_query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return render(
        request,
        "reporting/reports.html",
        {
            "form": form,
            "report": result,
            "period": period,
            "research_query": research_query,
            "before_after": changes,
            "research_min_cell": research.min_cell(),
            "filters_not_understood": FILTERS_NOT_UNDERSTOOD if form.errors else None,
        },
    )


def export_research_answers(request: HttpRequest) -> HttpResponse:
    """The questionnaires' answers of the cases opened in the range, of people who agreed to research,
    pseudonymised; small cells suppressed. Supervisors only."""
    return _research_csv(request, "compassion-research-answers", research.ANSWERS_HEADER, exports.research_answers_rows)


def export_case_list(request: HttpRequest) -> HttpResponse:
    """The case list, with the list's filters, as a streamed CSV file."""
    staff_only(request)
    case_filter = CaseFilter(
        request.GET,
        queryset=selectors.case_list(user=request.user),
        show_caseworker=is_supervisor(request.user),
        request=request,
    )
    if not case_filter.is_valid():
        messages.error(request, "Nothing was exported: some filters were not understood.")
        return redirect(f"{reverse('cases:list')}?{request.GET.urlencode()}")
    response = StreamingHttpResponse(
        exports.csv_lines(exports.CASE_LIST_HEADER, exports.case_list_rows(case_filter.qs), excel_bom=True),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def export_research(request: HttpRequest) -> HttpResponse:
    """The de-identified research CSV of the cases opened in the reports' date range. Supervisors only."""
    return _research_csv(request, "compassion-research", exports.research_header(), exports.research_rows)


def _research_csv(request: HttpRequest, name: str, header: list[str], rows) -> HttpResponse:
    """A research file of the cases opened in the reports' date range (and caseworker), streamed."""
    _supervisors_only(request)
    form = ReportFilterForm(request.GET)
    if form.errors:
        messages.error(request, "Nothing was exported: the date range was not understood.")
        return redirect(f"{reverse('reporting:reports')}?{request.GET.urlencode()}")
    period = form.period(timezone.localdate())
    scope = dashboard.scope_for(request.user, caseworker=form.chosen_caseworker())
    cases = scope.cases().filter(period.between("opened_at"))
    response = StreamingHttpResponse(exports.csv_lines(header, rows(cases)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"'
    )
    return response
