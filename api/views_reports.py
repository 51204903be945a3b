"""The reports' figures as JSON, for a date range (supervisors, as the reports page)."""

from dataclasses import asdict

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from cases.roles import is_supervisor
from reporting import dashboard, reports
from reporting.forms import ReportFilterForm

from . import errors
from .models import Scope
from .serializers import ErrorSerializer


class ReportView(generics.GenericAPIView):
    """Every figure of the reports page, for the cases opened, ended or active in the range.

    Without dates: the last twelve months. A range the page would not take (the end before the
    start, more than five years) is refused here rather than replaced by the default.
    """

    required_scope = Scope.READ_REPORTS

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("caseworker", int, description="One caseworker's cases only."),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(ErrorSerializer)},
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        if not is_supervisor(request.user):
            raise Http404("Not found.")
        form = ReportFilterForm(request.query_params)
        if not form.is_valid():
            return errors.form_errors(form)
        today = timezone.localdate()
        period = form.period(today)
        scope = dashboard.scope_for(request.user, caseworker=form.chosen_caseworker())
        figures = asdict(reports.report(scope, period, today=today))
        figures.pop("chart_data", None)
        return Response(figures)
