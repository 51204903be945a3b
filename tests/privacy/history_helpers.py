"""Helpers for the audit and privacy tests: a case with a row of every audited kind, changes made
inside a request (as the app makes them), and the data of an admin change form."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.forms import MultiWidget
from django.test import RequestFactory
from django.utils import timezone
from simple_history.middleware import HistoryRequestMiddleware

from cases import links
from cases.models import Case
from reconciliation import services
from tests.factories import full_case
from tests.reconciliation.journey import propose_shift, walk_to_role_swap


def in_request(fn, *, user=None, participant=None):
    """Run ``fn()`` inside a request of ``user`` (or of a participant's personal link), through the
    same middleware as every page: the history records who made the change."""
    request = RequestFactory().post("/")
    request.user = user or AnonymousUser()
    if participant is not None:
        request.participant = participant
    result = {}

    def view(_request):
        result["value"] = fn()

    HistoryRequestMiddleware(view)(request)
    return result["value"]


def case_with_every_audited_row(caseworker, supervisor) -> Case:
    """A case at step 5 with a plan and its sign-offs, a shift, a meeting, commitments and a personal
    link, every row made by ``caseworker`` in a request."""

    def walk():
        case = full_case(caseworker=caseworker)
        walk_to_role_swap(case, caseworker)
        propose_shift(case, caseworker)
        services.step_skip(case=case, step=3, reason="Enough hours elsewhere", by=supervisor)
        services.meeting_schedule(
            case=case,
            by=caseworker,
            scheduled_at=timezone.now() + timedelta(days=2),
            format="video",
            location="https://meet.example/1",
            facilitator="Sam",
            safety_plan="Facilitator present.",
        )
        services.step_skip(case=case, step=4, reason="The staff member declined", by=supervisor)
        services.commitments_draft(case=case, commitments="Stay calm", off_limits="Threats", by=caseworker)
        links.link_issue(participant=case.participants.get(role="customer"), by=caseworker)
        case.refresh_from_db()
        return case

    return in_request(walk, user=caseworker)


def admin_form_data(response) -> dict:
    """What the admin change form at ``response`` would post unchanged, its inlines included."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            widget = bound.field.widget
            if isinstance(widget, MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else part
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data
