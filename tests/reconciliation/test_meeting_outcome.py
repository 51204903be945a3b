"""The restorative meeting's outcome: its length, and what each person who took part expressed."""

import pytest
import time_machine

from cases.models import Participant
from reconciliation import services
from reconciliation.models import MeetingOutcome, RestorativeMeeting

from .journey import person, soon
from .test_rules import assert_refused, schedule, walk_to_meeting

CUSTOMER_SAID = {"gratitude_expressed": True, "acknowledgment_expressed": True, "ownership_expressed": True}


@pytest.fixture
def held_meeting_case(open_case, caseworker):
    """A case at step 4 whose meeting was two hours ago."""
    walk_to_meeting(open_case, caseworker)
    schedule(open_case, caseworker, hours=2)
    with time_machine.travel(soon(4)):
        yield open_case


def record(case, by, **fields):
    values = {**CUSTOMER_SAID, "notes": "Tears and a handshake.", "minutes": 90} | fields
    return services.meeting_record_outcome(case=case, by=by, **values)


def test_the_outcome_records_what_the_staff_member_and_the_business_each_expressed(held_meeting_case, caseworker):
    case = held_meeting_case
    agent, business = person(case, "agent"), person(case, "business")

    meeting = record(
        case,
        caseworker,
        voices=[
            services.Voice(participant=agent, took_part=True, gratitude_expressed=True, acknowledgment_expressed=True),
            services.Voice(participant=business, took_part=False),
        ],
    )

    assert (meeting.state, meeting.duration_minutes) == (RestorativeMeeting.State.HELD, 90)
    by_person = {row.participant.role: row for row in MeetingOutcome.objects.filter(meeting=meeting)}
    assert by_person["agent"].took_part
    assert by_person["agent"].expressed == ["gratitude", "acknowledgment"]
    assert not by_person["business"].took_part
    assert by_person["business"].expressed == []
    line = case.events.filter(kind="meeting").latest("pk").message
    assert "Meeting held (90 minutes)" in line
    assert "Jamie Agent (agent (staff member)) took part and expressed gratitude, acknowledgment" in line
    assert "Dana Owner (business representative) did not take part" in line
    case.refresh_from_db()
    assert case.step == 5


def test_nothing_can_be_recorded_as_expressed_by_someone_who_did_not_take_part(held_meeting_case, caseworker):
    case = held_meeting_case
    business = person(case, "business")

    assert_refused(
        case,
        lambda: record(
            case, caseworker, voices=[services.Voice(participant=business, took_part=False, ownership_expressed=True)]
        ),
        "did not take part",
    )
    assert not MeetingOutcome.objects.exists()


def test_a_staff_member_who_withdrew_cannot_be_recorded_as_taking_part(held_meeting_case, caseworker):
    case = held_meeting_case
    agent = person(case, "agent")
    Participant.objects.filter(pk=agent.pk).update(consent=Participant.Consent.WITHDRAWN)

    assert_refused(
        case,
        lambda: record(case, caseworker, voices=[services.Voice(participant=agent, took_part=True)]),
        "not someone who could take part",
    )


@pytest.mark.parametrize("minutes", [None, 0, 601])
def test_the_meeting_needs_a_sensible_length(held_meeting_case, caseworker, minutes):
    case = held_meeting_case
    assert_refused(case, lambda: record(case, caseworker, minutes=minutes), "length in minutes")


def test_the_case_page_form_asks_for_each_person_and_shows_what_they_expressed(
    held_meeting_case, caseworker_client
):
    case = held_meeting_case
    agent = person(case, "agent")
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "Jamie Agent (staff member) took part" in page
    assert "Dana Owner (business) took part" in page
    assert "How long was the meeting? (minutes)" in page

    answer = caseworker_client.post(
        f"/cases/{case.reference}/act/meeting-outcome/",
        {
            "minutes": "75",
            "gratitude_expressed": "on",
            f"took_part_{agent.pk}": "on",
            f"expressed_{agent.pk}": ["acknowledgment", "ownership"],
            "notes": "Jamie spoke first.",
        },
    )

    assert answer.status_code == 302
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "75 minutes" in page
    assert "Took part · gratitude: no · acknowledgment: yes · ownership: yes" in page
    assert "Did not take part" in page


def test_a_refused_outcome_form_keeps_what_was_typed_and_says_why(held_meeting_case, caseworker_client):
    case = held_meeting_case
    business = person(case, "business")

    answer = caseworker_client.post(
        f"/cases/{case.reference}/act/meeting-outcome/",
        {"minutes": "75", f"expressed_{business.pk}": ["gratitude"], "notes": "Kept, please."},
    )

    assert answer.status_code == 400
    body = answer.content.decode()
    assert "Tick &quot;Dana Owner took part&quot; first" in body
    assert "Kept, please." in body
    assert RestorativeMeeting.objects.get(case=case).state == RestorativeMeeting.State.SCHEDULED
