"""The supervisors' reports: figures checked against a small program worked out by hand."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from reconciliation.models import CheckIn, MeetingFormat, RestorativeMeeting, RoleSwapShift
from reporting.reports import Period
from tests.cases.program_data import at, case_with_people, checkin, completed, meeting, shift, step_moved, withdrawn
from tests.factories import CaseworkerFactory

REPORTS = reverse("reporting:reports")
RANGE = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def april():
    """10 April 2026: the program's moments are in the past, and no duration spans a change of clocks."""
    with time_machine.travel(at(2026, 4, 10, 12), tick=False) as traveller:
        yield traveller


@pytest.fixture
def program(april, caseworker):
    """Nine cases, January to March 2026 (dates at 10:00, so durations are whole days).

    Durations per step (days): step 1: 4, 6, 2, 13 → median 5; step 2: 10, 8, 12 → 10;
    step 3: 14, 20 → 17; step 4: 2, 6 → 4; step 5: 6, 3 → 4.5. Days to complete: 36, 43 → 39.5.
    """
    c1 = case_with_people(caseworker=caseworker, opened_at=at(2026, 1, 5))
    for step, day in [(1, at(2026, 1, 9)), (2, at(2026, 1, 19)), (3, at(2026, 2, 2)), (4, at(2026, 2, 4))]:
        step_moved(c1, step, day)
    completed(c1, at(2026, 2, 10))

    c2 = case_with_people(caseworker=caseworker, opened_at=at(2026, 1, 20))
    for step, day in [(1, at(2026, 1, 26)), (2, at(2026, 2, 3)), (3, at(2026, 2, 23)), (4, at(2026, 3, 1))]:
        step_moved(c2, step, day)
    completed(c2, at(2026, 3, 4))

    c3 = case_with_people(caseworker=caseworker, opened_at=at(2026, 2, 1), step=Case.Step.PLAN)
    step_moved(c3, 1, at(2026, 2, 3))
    withdrawn(c3, at(2026, 2, 10), "Moved away")

    case_with_people(caseworker=caseworker, opened_at=at(2026, 2, 15))  # c4: still at step 1

    c5 = case_with_people(caseworker=caseworker, opened_at=at(2025, 12, 20), step=Case.Step.ROLE_SWAP)
    step_moved(c5, 1, at(2026, 1, 2))
    step_moved(c5, 2, at(2026, 1, 14))

    c6 = case_with_people(caseworker=caseworker, opened_at=at(2026, 3, 1))
    withdrawn(c6, at(2026, 3, 5), "  Moved away ")

    c7 = case_with_people(caseworker=caseworker, opened_at=at(2026, 3, 2))
    withdrawn(c7, at(2026, 3, 6), "No longer wants to take part")
    Case.objects.filter(pk=c7.pk).update(status=Case.Status.CLOSED, status_reason="Duplicate of another case")

    c8 = case_with_people(caseworker=caseworker, opened_at=at(2025, 11, 3), step=Case.Step.COMMITMENTS)
    c9 = case_with_people(caseworker=caseworker, opened_at=at(2025, 11, 4), step=Case.Step.COMMITMENTS)

    # Role swap: 4 + 4 + 6.5 hours attended in range; one no-show, one declined, one cancelled.
    shift(c1, at(2026, 1, 25), RoleSwapShift.State.ATTENDED)
    shift(c1, at(2026, 1, 28), RoleSwapShift.State.ATTENDED)
    shift(c2, at(2026, 2, 10), RoleSwapShift.State.ATTENDED, hours=7, minutes_attended=390)
    shift(c2, at(2026, 2, 12), RoleSwapShift.State.NO_SHOW)
    shift(c2, at(2026, 2, 14), RoleSwapShift.State.DECLINED)
    shift(c2, at(2026, 3, 3), RoleSwapShift.State.CANCELLED)
    shift(c5, at(2026, 4, 5), RoleSwapShift.State.ATTENDED, hours=3)  # after the range

    # Meetings: two held in range, one skipped in range, one held after it.
    held = RestorativeMeeting.State.HELD
    meeting(c1, at(2026, 2, 3), held, gratitude_expressed=True, acknowledgment_expressed=True, ownership_expressed=True)
    meeting(c2, at(2026, 2, 25), held, format=MeetingFormat.VIDEO, gratitude_expressed=True)
    meeting(c8, None, RestorativeMeeting.State.SKIPPED, updated_at=at(2026, 3, 10), skip_reason="Declined")
    meeting(c9, at(2026, 4, 2), held, gratitude_expressed=True)

    # Check-ins due in range: 30 days: done, missed, overdue; 90 days: overdue.
    checkin(c1, 30, date(2026, 3, 12), CheckIn.State.DONE)
    checkin(c1, 90, date(2026, 6, 10))
    checkin(c2, 30, date(2026, 4, 3))
    checkin(c9, 30, date(2026, 1, 10), CheckIn.State.MISSED)
    checkin(c9, 90, date(2026, 3, 25))
    checkin(c8, 30, date(2026, 3, 30))
    return {"c1": c1, "c2": c2, "c3": c3, "c5": c5}


def _report(client, **params):
    response = client.get(REPORTS, {**RANGE, **params})
    assert response.status_code == 200
    return response.context["report"]


def test_cases_opened_and_completed_per_month(supervisor_client, program):
    months = _report(supervisor_client).months

    assert [(row["month"], row["opened"], row["completed"]) for row in months] == [
        (date(2026, 1, 1), 2, 0),
        (date(2026, 2, 1), 2, 1),
        (date(2026, 3, 1), 2, 1),
    ]


def test_completion_rate_counts_the_cases_that_ended(supervisor_client, program):
    completion = _report(supervisor_client).completion

    assert completion["opened"] == 6
    assert completion["completed"] == 2
    assert (completion["withdrawn"], completion["closed"], completion["active"]) == (2, 1, 1)
    assert completion["rate"] == 40.0
    assert completion["median_days_to_complete"] == 39.5


def test_median_days_per_step(supervisor_client, program):
    steps = _report(supervisor_client).steps

    assert [(row["step"], row["median_days"], row["count"]) for row in steps] == [
        (1, 5.0, 4),
        (2, 10.0, 3),
        (3, 17.0, 2),
        (4, 4.0, 2),
        (5, 4.5, 2),
    ]


def test_withdrawals_by_step_and_reason(supervisor_client, program):
    withdrawals = _report(supervisor_client).withdrawals

    assert withdrawals["total"] == 3
    assert [row["count"] for row in withdrawals["by_step"]] == [2, 1, 0, 0, 0]
    assert withdrawals["reasons"] == [
        {"reason": "Moved away", "count": 2},
        {"reason": "(closed since; see the case)", "count": 1},
    ]


def test_role_swap_hours_and_shifts(supervisor_client, program):
    swap = _report(supervisor_client).role_swap

    assert swap["hours"] == 14.5
    assert (swap["attended"], swap["no_show"], swap["declined"], swap["cancelled"]) == (3, 1, 1, 1)
    assert swap["customers"] == 2
    assert swap["attendance_rate"] == 75.0
    assert [row["hours"] for row in swap["per_month"]] == [8.0, 6.5, 0.0]


def test_meeting_outcomes(supervisor_client, program):
    meetings = _report(supervisor_client).meetings

    assert (meetings["held"], meetings["skipped"]) == (2, 1)
    assert (meetings["gratitude"], meetings["acknowledgment"], meetings["ownership"], meetings["all_three"]) == (
        2,
        1,
        1,
        1,
    )
    assert [row["count"] for row in meetings["formats"]] == [1, 1, 0]


def test_checkin_results_at_each_interval(supervisor_client, program):
    checkins = _report(supervisor_client).checkins

    assert checkins == [
        {"days_after": 30, "done": 1, "missed": 1, "overdue": 1, "upcoming": 0, "rate": 33.3},
        {"days_after": 90, "done": 0, "missed": 0, "overdue": 1, "upcoming": 0, "rate": 0.0},
    ]


def test_the_page_shows_the_figures_in_tables_and_carries_them_for_the_charts(supervisor_client, program):
    response = supervisor_client.get(REPORTS, RANGE)
    page = response.content.decode()

    assert "40.0%" in page
    assert "Moved away" in page
    assert '<script id="report-data" type="application/json">' in page
    assert "vendor/chart.js-4.6.1/chart.umd.js" in page
    assert "<script>" not in page  # no inline script: the charts are drawn by static/js/reports.js
    assert response.context["report"].chart_data["months"]["opened"] == [2, 2, 2]


def test_one_caseworkers_figures(supervisor_client, program):
    other = CaseworkerFactory(username="jordan")
    case_with_people(caseworker=other, opened_at=at(2026, 1, 7))

    assert _report(supervisor_client).completion["opened"] == 7
    assert _report(supervisor_client, caseworker=other.pk).completion["opened"] == 1


def test_the_default_range_is_the_last_twelve_months(supervisor_client, april):
    report = supervisor_client.get(REPORTS).context["report"]

    assert report.period == Period(start=date(2025, 5, 1), end=date(2026, 4, 10))
    assert len(report.months) == 12


# ---------------------------------------------------------------- bad input


def test_a_range_that_ends_before_it_starts_says_so_and_shows_the_default_range(supervisor_client, april):
    response = supervisor_client.get(REPORTS, {"start": "2026-03-01", "end": "2026-02-01"})
    page = response.content.decode()

    assert response.status_code == 200
    assert "The end date is before the start date" in page
    assert response.context["form"].errors["end"]
    assert response.context["report"].period == Period.default(date(2026, 4, 10))


@pytest.mark.parametrize("query", [{"caseworker": "99999"}, {"start": "the first of May"}, {"end": "2026-13-45"}])
def test_a_filter_value_that_does_not_exist_is_not_understood(supervisor_client, april, query):
    response = supervisor_client.get(REPORTS, query)

    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()
    assert response.context["report"].period == Period.default(date(2026, 4, 10))


def test_a_caseworker_asking_for_the_reports_gets_a_404(caseworker_client):
    assert caseworker_client.get(REPORTS).status_code == 404


def test_reports_are_in_the_supervisors_navigation_only(client, caseworker, supervisor):
    client.force_login(caseworker)
    assert REPORTS not in client.get(reverse("reporting:dashboard")).content.decode()
    client.force_login(supervisor)
    assert REPORTS in client.get(reverse("reporting:dashboard")).content.decode()


# ---------------------------------------------------------------- query count


def _rich_case(caseworker, index: int) -> None:
    opened = at(2026, 1, 1 + index % 28)
    case = case_with_people(caseworker=caseworker, opened_at=opened)
    for step in (1, 2, 3, 4):
        step_moved(case, step, opened + timedelta(days=step * 3))
    completed(case, opened + timedelta(days=15))
    shift(case, opened + timedelta(days=7), RoleSwapShift.State.ATTENDED)
    meeting(case, opened + timedelta(days=12), RestorativeMeeting.State.HELD, gratitude_expressed=True)
    checkin(case, 30, (opened + timedelta(days=45)).date(), CheckIn.State.DONE)
    other = case_with_people(caseworker=caseworker, opened_at=opened)
    withdrawn(other, opened + timedelta(days=2), f"Reason {index % 3}")


def test_the_reports_query_count_does_not_grow_with_the_number_of_cases(supervisor_client, caseworker, april):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert supervisor_client.get(REPORTS, RANGE).status_code == 200
        return len(captured)

    _rich_case(caseworker, 0)
    with_one = queries()
    for index in range(1, 50):
        _rich_case(caseworker, index)
    with_fifty = queries()

    assert with_one == with_fifty
    assert supervisor_client.get(REPORTS, RANGE).context["report"].completion["completed"] == 50


def test_generated_demo_cases_give_every_figure_something_to_show(supervisor_client, db):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    call_command("seed_demo", "--cases", "400", stdout=StringIO())
    report = supervisor_client.get(REPORTS).context["report"]

    assert not Case.objects.filter(opened_at__gt=timezone.now()).exists()
    assert all(row["count"] and row["median_days"] > 1 for row in report.steps), report.steps
    assert report.completion["completed"]
    assert report.completion["rate"]
    assert report.withdrawals["total"]
    assert report.withdrawals["reasons"]
    assert report.role_swap["hours"] > 0
    assert report.meetings["held"]
    assert report.meetings["skipped"]
    assert any(row["done"] for row in report.checkins)
    tiles = {tile.key: tile.count for tile in supervisor_client.get(reverse("reporting:dashboard")).context["tiles"]}
    del tiles["caseworker_gone"]  # every demo caseworker is still with PLI
    assert all(tiles.values()), tiles
