"""The API (``/api/v1/``, a personal token is the key, so no login), its documentation and staff pages."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import path, register_converter

from . import docs, pages, views_cases, views_referrals, views_reports

app_name = "api"


class IdConverter:
    """A row id: digits that fit in a database integer, else a 404 before any query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


def api(view_class):
    return login_not_required(view_class.as_view())


def staff(view):
    """DRF marks its views as needing no login; the documentation is a staff page like any other."""
    view.login_required = True
    return view


urlpatterns = [
    path("v1/cases/", api(views_cases.CaseListView), name="cases"),
    path("v1/cases/<reference:reference>/", api(views_cases.CaseDetailView), name="case"),
    path("v1/cases/<reference:reference>/timeline/", api(views_cases.CaseTimelineView), name="case_timeline"),
    path("v1/referrals/", api(views_referrals.ReferralListView), name="referrals"),
    path("v1/referrals/<id:pk>/", api(views_referrals.ReferralDetailView), name="referral"),
    path("v1/referrals/<id:pk>/decline/", api(views_referrals.ReferralDeclineView), name="referral_decline"),
    path("v1/referrals/<id:pk>/duplicate/", api(views_referrals.ReferralDuplicateView), name="referral_duplicate"),
    path("v1/reports/", api(views_reports.ReportView), name="reports"),
    # For staff, with their login.
    path("schema/", staff(docs.SchemaView.as_view()), name="schema"),
    # Swagger UI sets a few inline styles: allowed on this staff page only (scripts stay 'self').
    path(
        "docs/",
        staff(csp_update({"style-src": ["'unsafe-inline'"]})(docs.DocsView.as_view(url_name="api:schema"))),
        name="docs",
    ),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("webhooks/", pages.webhooks, name="webhooks"),
    path("webhooks/<id:pk>/", pages.webhook_deliveries, name="webhook_deliveries"),
    path("webhooks/<id:pk>/active/", pages.webhook_active, name="webhook_active"),
]
