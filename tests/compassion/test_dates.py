"""Dates are bounded everywhere: what forms accept, what the tables hold, how long a report runs."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from compassion.dates import BoundedDateField, BoundedDateTimeField
from reconciliation import services
from reconciliation.models import RestorativeMeeting, RoleSwapShift
from tests.factories import SupervisorFactory, full_case
from tests.reconciliation.journey import propose_shift, walk_to_role_swap

FAR_AHEAD = ["9999-12-31T22:00", "2100-01-01T10:00", "10000-01-01T00:00"]
FAR_BACK = ["0001-01-01T00:00", "1899-12-31T23:59", "1999-12-31T23:59"]


@pytest.mark.parametrize("typed", FAR_AHEAD + FAR_BACK)
def test_a_schedule_field_refuses_far_years_with_a_message(typed):
    field = BoundedDateTimeField()

    with pytest.raises(ValidationError, match="Please choose|Enter a valid"):  # words, not an overflow
        field.clean(typed)


def test_a_schedule_field_takes_next_month_and_a_past_field_takes_last_week():
    next_month = timezone.localtime() + timedelta(days=30)
    last_week = timezone.localdate() - timedelta(days=7)

    assert BoundedDateTimeField().clean(next_month.strftime("%Y-%m-%dT%H:%M")).date() == next_month.date()
    assert BoundedDateField(latest="now").clean(last_week.isoformat()) == last_week


def test_a_past_field_refuses_tomorrow():
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError, match="in the future"):
        BoundedDateField(latest="now").clean(tomorrow.isoformat())


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("shift-propose", {"starts_at": "9999-12-31T20:00", "ends_at": "9999-12-31T22:00"}),
        ("shift-propose", {"starts_at": "0001-01-01T08:00", "ends_at": "0001-01-01T12:00"}),
        ("meeting-schedule", {"scheduled_at": "9999-12-31T22:00"}),
    ],
)
def test_staff_forms_refuse_far_dates_with_a_message_and_keep_what_was_typed(
    caseworker_client, caseworker, action, fields
):
    case = full_case(caseworker=caseworker)
    walk_to_role_swap(case, caseworker)
    if action.startswith("meeting"):
        services.step_skip(case=case, step=3, reason="Straight to the meeting", by=SupervisorFactory())
    data = {"role": "Cashier", "location": "Front till", "supervisor_on_site": "Dana", "format": "video", **fields}
    data.update({"facilitator": "Sam", "location": "Front till"})

    response = caseworker_client.post(reverse("reconciliation:act", args=[case.reference, action]), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Please choose" in body
    assert "Front till" in body  # what was typed is still there
    assert not RoleSwapShift.objects.filter(case=case).exists()
    assert not RestorativeMeeting.objects.filter(case=case, scheduled_at__isnull=False).exists()


@pytest.mark.parametrize("year", [1000, 2500])
def test_the_tables_refuse_a_schedule_outside_the_stored_range_whoever_writes_it(caseworker, year):
    case = full_case(caseworker=caseworker)
    walk_to_role_swap(case, caseworker)
    shift = propose_shift(case, caseworker)
    far = datetime(year, 6, 1, 12, tzinfo=UTC)

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleSwapShift.objects.filter(pk=shift.pk).update(counter_starts_at=far, counter_ends_at=far)


def test_the_command_names_stored_dates_out_of_range_with_their_case(case, caseworker, monkeypatch):
    out = StringIO()
    call_command("dates_out_of_range", stdout=out)
    assert "Every stored date is in range." in out.getvalue()

    # A database from before the checks: here, a range that has since become narrower.
    monkeypatch.setattr(
        "cases.management.commands.dates_out_of_range.STORED_LATEST", timezone.now() - timedelta(days=1)
    )
    out = StringIO()
    with pytest.raises(CommandError, match="out of range"):
        call_command("dates_out_of_range", stdout=out)
    assert f"cases.Case #{case.pk}: opened_at out of range" in out.getvalue()
    assert f"(case {case.reference})" in out.getvalue()  # rows about a case name it


@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"start": "2001-01-01", "end": "2026-01-01"},  # 25 years: longer than a report covers
        {"start": "2001-01-01"},
        {"start": "²", "end": "١٢"},
    ],
)
def test_a_report_over_a_range_too_long_or_not_understood_shows_the_default_range_and_says_so(
    supervisor_client, query
):
    response = supervisor_client.get(reverse("reporting:reports"), query)

    assert response.status_code == 200
    assert response.context["period"].start.year >= timezone.localdate().year - 1
    assert "not understood" in response.content.decode() or "at most 5 years" in response.content.decode()


def test_a_research_export_over_far_years_exports_nothing_and_says_why(supervisor_client):
    response = supervisor_client.get(reverse("reporting:export_research"), {"start": "0001-01-01", "end": "9999-12-31"})

    assert response.status_code == 302
    follow = supervisor_client.get(response["Location"])
    assert "Nothing was exported" in follow.content.decode()
