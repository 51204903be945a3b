"""The API's cases: the list (the case list's filters, by cursor), a case, and its timeline."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination
from rest_framework.request import Request
from rest_framework.response import Response

from cases import selectors
from cases.filters import CaseFilter
from cases.models import Case
from cases.roles import is_supervisor
from reconciliation import workflow

from . import errors
from .models import Scope
from .serializers import CaseDetailSerializer, CaseEventSerializer, CaseRowSerializer


class CasePages(pagination.CursorPagination):
    ordering = ("-opened_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class TimelinePages(CasePages):
    ordering = ("-created_at", "-id")
    page_size = 100
    max_page_size = 200


FILTERS = [
    OpenApiParameter("q", str, description="Reference, customer or business name; partial."),
    OpenApiParameter("status", str, enum=Case.Status.values),
    OpenApiParameter("step", int, enum=Case.Step.values),
    OpenApiParameter("risk", str, enum=Case.Risk.values),
    OpenApiParameter("caseworker", int, description="A caseworker's id (supervisors)."),
]


@extend_schema(parameters=FILTERS, tags=["cases"])
class CaseListView(generics.ListAPIView):
    """Your cases (a supervisor: every case), newest first, with the case list's filters."""

    required_scope = Scope.READ_CASES
    serializer_class = CaseRowSerializer
    pagination_class = CasePages

    def get_queryset(self):
        user = self.request.user
        self.case_filter = CaseFilter(
            self.request.query_params,
            queryset=selectors.case_list(user=user),
            show_caseworker=is_supervisor(user),
            request=self.request,
        )
        return self.case_filter.qs

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.get_queryset()
        if not self.case_filter.is_valid():
            return errors.form_errors(self.case_filter.form)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _state(state: workflow.StepState) -> dict:
    return {
        "step": state.step,
        "label": str(state.label),
        "done": state.done,
        "skipped": state.skipped is not None,
        "missing": [str(line) for line in state.missing],
    }


@extend_schema(responses=CaseDetailSerializer, tags=["cases"])
class CaseDetailView(generics.GenericAPIView):
    """A case you may see: its people, the current step and what is missing for it to be done."""

    required_scope = Scope.READ_CASES
    serializer_class = CaseDetailSerializer

    def get(self, request: Request, reference: str) -> Response:
        cases = workflow.with_snapshot(selectors.case_list(user=request.user).select_related("incident"))
        case = cases.filter(reference=reference).first()
        if case is None:
            raise Http404("Not found.")
        participants = list(case.participants.order_by("role", "id"))
        steps = workflow.progress(workflow.snapshot(case, participants=participants))
        current = next((state for state in steps if state.step == case.step), steps[-1])
        body = {
            "case": case,
            "status_reason": case.status_reason,
            "incident": case.incident,
            "participants": participants,
            "current_step": _state(current),
            "steps": [_state(state) for state in steps],
        }
        return Response(CaseDetailSerializer(body).data)


@extend_schema(tags=["cases"])
class CaseTimelineView(generics.ListAPIView):
    """The case's timeline, newest first, by cursor."""

    required_scope = Scope.READ_CASES
    serializer_class = CaseEventSerializer
    pagination_class = TimelinePages

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        case = selectors.case_for_user(user=self.request.user, reference=self.kwargs["reference"])
        return selectors.case_timeline(case)
