"""Exports: the case list as CSV, the de-identified research CSV and the calendar feed."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cases.models import Business, CalendarFeed, Case, CaseEvent, Incident, Participant
from reconciliation.models import Commitment, RestorativeMeeting, RoleSwapShift
from reporting import calendar_feed
from reporting.exports import pseudonym
from tests.cases.program_data import case_with_people, checkin, meeting, plan, reflection, shift, signoff, withdrawn
from tests.factories import BusinessFactory, CaseFactory, IncidentFactory, ParticipantFactory, UserFactory

EXPORT_CSV = reverse("reporting:export_csv")
RESEARCH = reverse("reporting:export_research")


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


# ---------------------------------------------------------------- the case list as CSV


def test_the_csv_has_the_lists_columns_and_the_callers_cases_only(caseworker_client, caseworker, outsider_caseworker):
    mine = CaseFactory(
        caseworker=caseworker,
        customer__name="Robin Hayes",
        incident=IncidentFactory(business=BusinessFactory(name="Sunrise Coffee")),
    )
    theirs = CaseFactory(caseworker=outsider_caseworker)

    response = caseworker_client.get(EXPORT_CSV)
    rows = _csv(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    assert rows[0][:4] == ["Reference", "Customer", "Business", "Step"]
    assert [row[0] for row in rows[1:]] == [mine.reference]
    assert rows[1][1:8] == ["Robin Hayes", "Sunrise Coffee", "1", "Reflection", "Open", "Low", "casey"]
    assert theirs.reference not in str(rows)


def test_the_csv_uses_the_lists_filters(supervisor_client, caseworker):
    paused = CaseFactory(caseworker=caseworker, status=Case.Status.PAUSED, risk=Case.Risk.HIGH)
    CaseFactory(caseworker=caseworker)

    rows = _csv(supervisor_client.get(EXPORT_CSV, {"status": "paused", "risk": "high", "caseworker": caseworker.pk}))

    assert [row[0] for row in rows[1:]] == [paused.reference]


def test_the_list_offers_the_csv_with_its_filters(caseworker_client, case):
    page = caseworker_client.get(reverse("cases:list"), {"status": "open"}).content.decode()

    assert f'href="{EXPORT_CSV}?status=open"' in page


def test_an_unknown_filter_value_exports_nothing_and_says_why(caseworker_client, case):
    response = caseworker_client.get(EXPORT_CSV, {"status": "sleeping"}, follow=True)
    page = response.content.decode()

    assert response.redirect_chain[-1][0] == reverse("cases:list") + "?status=sleeping"
    assert "Nothing was exported" in page
    assert "Some filters were not understood" in page


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_defused(caseworker_client, caseworker):
    CaseFactory(caseworker=caseworker, customer__name='=HYPERLINK("http://evil.example")')

    rows = _csv(caseworker_client.get(EXPORT_CSV))

    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'


def _bulk_cases(count: int, caseworker) -> None:
    """``count`` cases with their customers, in a few inserts."""
    business = Business.objects.create(name="Bulk Business")
    incidents = Incident.objects.bulk_create(
        Incident(
            business=business,
            occurred_at=timezone.now(),
            location="store",
            description="Bulk.",
            severity=Incident.Severity.VERBAL,
            source=Incident.Source.OTHER,
        )
        for _ in range(count)
    )
    start = Case.objects.count()
    cases = Case.objects.bulk_create(
        Case(reference=f"CCP-1999-{start + n:05d}", incident=incident, caseworker=caseworker)
        for n, incident in enumerate(incidents)
    )
    Participant.objects.bulk_create(
        Participant(case=case, role=Participant.Role.CUSTOMER, name=f"Customer {case.reference}") for case in cases
    )


def _export_queries(client) -> tuple[int, int, int]:
    """Queries run while the file is made, its number of data rows, and the pieces it came in."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT_CSV)
        pieces = list(response.streaming_content)
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    return len(queries), len(rows) - 1, len(pieces)


def test_the_csv_streams_5000_rows_with_the_same_queries_as_one_row(caseworker_client, caseworker):
    _bulk_cases(1, caseworker)
    queries_for_one, rows, _pieces = _export_queries(caseworker_client)
    assert rows == 1

    _bulk_cases(4999, caseworker)
    queries_for_5000, rows, pieces = _export_queries(caseworker_client)

    assert rows == 5000
    assert queries_for_5000 == queries_for_one
    assert pieces > 5  # sent as it is made, not built whole first


# ---------------------------------------------------------------- the research export

PLANTED = {
    "customer": "Zephyrine Quillfeather",
    "customer_email": "zq-planted-7731@example.com",
    "customer_phone": "555-867-5309",
    "agent": "Barnaby Thistlewood",
    "agent_email": "barnaby-planted-4412@example.com",
    "business": "Quillfeather Planted Bakery",
    "business_address": "77 Plantedberry Lane, Springfield",
    "business_contact": "Ottoline Marchbanks",
    "business_email": "ottoline-planted@bakery.example",
    "description": "planted-description: she threw the tray",
    "location": "planted-location by the ovens",
    "video": "https://video.example/planted-clip-99",
    "reflection": "planted-reflection words",
    "goals": "planted-goals text",
    "signoff_comment": "planted-signoff comment",
    "feedback": "planted-shift feedback",
    "meeting_notes": "planted-meeting notes",
    "safety_plan": "planted-safety plan",
    "commitments": "planted-commitments text",
    "checkin_answers": "planted-checkin answers",
    "withdraw_reason": "planted-withdrawal reason",
    "caseworker": "Hortensia Plantedcase",
    "caseworker_username": "hortensia-planted",
    "caseworker_email": "hortensia-planted@pli.example",
}


@pytest.fixture
def planted_cases(db):
    """Two cases full of unique personal details and free text, to search the export for."""
    worker = UserFactory(
        username=PLANTED["caseworker_username"],
        first_name="Hortensia",
        last_name="Plantedcase",
        email=PLANTED["caseworker_email"],
    )
    business = BusinessFactory(
        name=PLANTED["business"],
        address=PLANTED["business_address"],
        contact_name=PLANTED["business_contact"],
        contact_email=PLANTED["business_email"],
        contact_phone="555-000-4242",
    )
    incident = IncidentFactory(
        business=business,
        description=PLANTED["description"],
        location=PLANTED["location"],
        video_posted=True,
        video_url=PLANTED["video"],
        police_involved=True,
    )
    case = CaseFactory(
        caseworker=worker,
        incident=incident,
        customer__name=PLANTED["customer"],
        customer__email=PLANTED["customer_email"],
        customer__phone=PLANTED["customer_phone"],
        step=Case.Step.COMMITMENTS,
    )
    agent = ParticipantFactory(
        case=case,
        role=Participant.Role.AGENT,
        name=PLANTED["agent"],
        email=PLANTED["agent_email"],
        consent=Participant.Consent.GIVEN,
    )
    reflection(case, what_happened=PLANTED["reflection"], review_note=PLANTED["reflection"])
    the_plan = plan(case, goals_redemption=PLANTED["goals"])
    signoff(the_plan, agent, "changes_requested", comment=PLANTED["signoff_comment"])
    shift(case, timezone.now() - timedelta(days=3), RoleSwapShift.State.ATTENDED, business_feedback=PLANTED["feedback"])
    meeting(
        case,
        timezone.now() - timedelta(days=1),
        RestorativeMeeting.State.HELD,
        outcome_notes=PLANTED["meeting_notes"],
        safety_plan=PLANTED["safety_plan"],
        gratitude_expressed=True,
    )
    Commitment.objects.create(case=case, commitments=PLANTED["commitments"], off_limits=PLANTED["commitments"])
    checkin(case, 30, timezone.localdate(), answers=PLANTED["checkin_answers"])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, message=PLANTED["description"])

    other = case_with_people(caseworker=worker)
    withdrawn(other, timezone.now(), PLANTED["withdraw_reason"])
    return [case, other]


def test_the_research_export_contains_no_personal_field_or_free_text(supervisor_client, planted_cases):
    response = supervisor_client.get(RESEARCH)
    text = b"".join(response.streaming_content).decode()

    assert response.status_code == 200
    for what, value in PLANTED.items():
        assert value.lower() not in text.lower(), what
        for word in re.findall(r"[A-Za-z]{6,}", value):
            if "planted" in word.lower() or word in {"Zephyrine", "Quillfeather", "Thistlewood", "Hortensia"}:
                assert word.lower() not in text.lower(), (what, word)
    for case in planted_cases:
        assert case.reference not in text
    assert "@" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "dates are coarsened to the month"


def test_the_research_export_has_one_row_per_case_with_stable_pseudonyms(supervisor_client, planted_cases):
    first = list(csv.DictReader(io.StringIO(b"".join(supervisor_client.get(RESEARCH).streaming_content).decode())))
    again = list(csv.DictReader(io.StringIO(b"".join(supervisor_client.get(RESEARCH).streaming_content).decode())))

    assert [row["case"] for row in first] == [row["case"] for row in again]
    assert sorted(row["case"] for row in first) == sorted(pseudonym(case.pk) for case in planted_cases)
    assert len({row["case"] for row in first}) == 2
    full = next(row for row in first if row["case"] == pseudonym(planted_cases[0].pk))
    assert full["severity"] == "verbal"
    assert full["police_involved"] == "yes"
    assert full["hours_attended"] == "4.0"
    assert full["meeting"] == "held"
    assert full["gratitude_expressed"] == "yes"
    assert full["checkin_30_days"] == "due"
    assert full["opened_month"] == f"{timezone.localdate():%Y-%m}"


def test_the_research_rows_come_in_pseudonym_order_so_their_place_tells_nothing(supervisor_client, caseworker):
    cases = [CaseFactory(caseworker=caseworker) for _ in range(10)]

    body = b"".join(supervisor_client.get(RESEARCH).streaming_content).decode()

    order = [row["case"] for row in csv.DictReader(io.StringIO(body))]
    assert order == sorted(pseudonym(case.pk) for case in cases)


def test_the_pseudonym_depends_on_the_key_and_not_only_on_the_id(settings):
    first = pseudonym(1)
    settings.RESEARCH_PSEUDONYM_KEY = "another key"

    assert pseudonym(1) != first


def test_a_caseworker_asking_for_the_research_export_gets_a_404(caseworker_client, case):
    assert caseworker_client.get(RESEARCH).status_code == 404


def test_a_research_range_that_ends_before_it_starts_exports_nothing(supervisor_client, case):
    response = supervisor_client.get(RESEARCH, {"start": "2026-03-01", "end": "2026-02-01"}, follow=True)

    assert "Nothing was exported" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("reporting:reports"))


# ---------------------------------------------------------------- the calendar feed


def _feed_url(client) -> str:
    page = client.post(reverse("reporting:calendar_feed_reset")).content.decode()
    return re.search(r'value="http://testserver(/cases/calendar/[^"]+\.ics)"', page).group(1)


def test_the_calendar_feed_parses_and_holds_the_callers_shifts_and_meetings(client, caseworker, outsider_caseworker):
    now = timezone.now()
    mine = case_with_people(caseworker=caseworker, step=Case.Step.ROLE_SWAP)
    proposed = shift(mine, now + timedelta(days=2))
    confirmed = shift(mine, now + timedelta(days=4), RoleSwapShift.State.CONFIRMED)
    shift(mine, now + timedelta(days=6), RoleSwapShift.State.CANCELLED)
    shift(mine, now - timedelta(days=30), RoleSwapShift.State.ATTENDED)
    talk = meeting(case_with_people(caseworker=caseworker, step=Case.Step.MEETING), now + timedelta(days=3))
    shift(case_with_people(caseworker=outsider_caseworker), now + timedelta(days=2))
    client.force_login(caseworker)
    url = _feed_url(client)
    client.logout()

    response = client.get(url)
    calendar = Calendar.from_ical(response.content)
    events = {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert set(events) == {f"shift-{proposed.pk}", f"shift-{confirmed.pk}", f"meeting-{talk.pk}"}
    assert events[f"shift-{confirmed.pk}"].decoded("dtstart") == confirmed.starts_at.replace(microsecond=0)
    assert mine.reference in str(events[f"shift-{proposed.pk}"]["summary"])
    assert str(events[f"shift-{proposed.pk}"]["status"]) == "TENTATIVE"
    assert str(events[f"meeting-{talk.pk}"]["url"]).endswith(talk.case.get_absolute_url())


def test_only_a_hash_of_the_feeds_token_is_stored(caseworker):
    token = calendar_feed.calendar_feed_reset(user=caseworker)

    stored = CalendarFeed.objects.get(user=caseworker)
    assert token not in stored.token_hash
    assert calendar_feed.calendar_feed_owner(token) == caseworker


def test_resetting_the_feed_stops_the_old_address(caseworker_client):
    old = _feed_url(caseworker_client)
    new = _feed_url(caseworker_client)

    assert caseworker_client.get(old).status_code == 404
    assert caseworker_client.get(new).status_code == 200


def test_turning_the_feed_off_stops_its_address(caseworker_client):
    url = _feed_url(caseworker_client)

    caseworker_client.post(reverse("reporting:calendar_feed_stop"))

    assert caseworker_client.get(url).status_code == 404
    assert "Create my calendar address" in caseworker_client.get(reverse("reporting:dashboard")).content.decode()


def test_a_wrong_token_opens_no_calendar(client, db):
    assert client.get(reverse("reporting:calendar_feed", kwargs={"token": "not-a-real-token"})).status_code == 404


def test_a_feed_stops_working_when_its_owner_is_deactivated(caseworker_client, caseworker):
    url = _feed_url(caseworker_client)
    caseworker.is_active = False
    caseworker.save()

    assert caseworker_client.get(url).status_code == 404
