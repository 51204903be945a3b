"""The reports' figures as JSON, for supervisors, for a date range."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_supervisor_reads_the_figures_of_a_range(supervisor_api, caseworker):
    CaseFactory(caseworker=caseworker)

    body = supervisor_api.get(reverse("api:reports"), {"start": "2026-01-01", "end": "2026-12-31"}).json()

    assert body["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert len(body["months"]) == 12
    assert {"completion", "steps", "withdrawals", "role_swap", "meetings", "checkins"} <= set(body)


def test_the_default_range_is_the_last_twelve_months(supervisor_api):
    assert len(supervisor_api.get(reverse("api:reports")).json()["months"]) == 12


def test_a_range_the_reports_page_would_not_take_is_refused(supervisor_api):
    response = supervisor_api.get(reverse("api:reports"), {"start": "2026-05-01", "end": "2026-01-01"})

    assert response.status_code == 400
    assert "end" in response.json()["errors"]
    assert supervisor_api.get(reverse("api:reports"), {"start": "yesterday"}).status_code == 400


def test_a_caseworker_gets_a_404_as_on_the_reports_page(caseworker_api):
    assert caseworker_api.get(reverse("api:reports")).status_code == 404
