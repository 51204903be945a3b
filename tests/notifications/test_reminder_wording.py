"""Reminders say when by the real distance: "today at 9:31", "tomorrow at 9:31", "on Friday 11
December at 9:31", counted in calendar days where the reader is, in their language."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from cases.models import Participant
from compassion.moments import ago, when
from notifications import dispatch
from reconciliation import services
from tests.factories import full_case
from tests.reconciliation.journey import person, walk_to_role_swap
from tests.reconciliation.test_rules import walk_to_meeting

NEW_YORK = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")
# Saturday 5 December 2026, 8:00 in New York.
MORNING = datetime(2026, 12, 5, 8, 0, tzinfo=NEW_YORK)


def at(day: int, hour: int, minute: int = 0, *, month: int = 12, year: int = 2026, zone=NEW_YORK) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    ("moment", "english", "spanish"),
    [
        (at(5, 9, 31), "today at 9:31", "hoy a las 9:31"),
        (at(5, 23, 59), "today at 23:59", "hoy a las 23:59"),
        (at(6, 0, 10), "tomorrow at 0:10", "mañana a las 0:10"),
        (at(6, 13, 5), "tomorrow at 13:05", "mañana a las 13:05"),
        (at(6, 1, 30), "tomorrow at 1:30", "mañana a la 1:30"),
        (at(4, 17, 0), "yesterday at 17:00", "ayer a las 17:00"),
        (at(11, 9, 31), "on Friday 11 December at 9:31", "el viernes 11 de diciembre a las 9:31"),
        (
            at(8, 9, 31, month=1, year=2027),
            "on Friday 8 January 2027 at 9:31",
            "el viernes 8 de enero de 2027 a las 9:31",
        ),
    ],
)
def test_a_moment_is_said_by_its_distance_in_days_in_both_languages(moment, english, spanish):
    with timezone.override(NEW_YORK):
        assert when(moment, MORNING) == english
        with translation.override("es"):
            assert when(moment, MORNING) == spanish


def test_the_same_moment_is_tomorrow_before_midnight_and_today_after_it():
    shift_start = at(6, 9, 31)
    with timezone.override(NEW_YORK):
        with time_machine.travel(at(5, 23, 59), tick=False):
            assert when(shift_start) == "tomorrow at 9:31"
        with time_machine.travel(at(6, 0, 1), tick=False):
            assert when(shift_start) == "today at 9:31"


def test_the_day_is_counted_where_the_reader_is():
    moment = datetime(2026, 12, 5, 3, 30, tzinfo=UTC)  # 22:30 on the 4th in New York, 4:30 on the 5th in Madrid
    now = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)  # 17:00 in New York, 23:00 in Madrid

    with timezone.override(NEW_YORK):
        assert when(moment, now) == "today at 22:30"
    with timezone.override(MADRID):
        assert when(moment, now) == "tomorrow at 4:30"


def test_a_shift_confirmed_for_later_today_is_announced_for_today_not_tomorrow(caseworker):
    with time_machine.travel(at(4, 7, 0), tick=False):
        case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
        customer_es = person(case, "customer")
        customer_es.preferred_language = Participant.Language.SPANISH
        customer_es.save()
        shift = services.shift_propose(
            case=case,
            by=caseworker,
            starts_at=at(4, 9, 31),
            ends_at=at(4, 13, 31),
            role="Cashier",
            location="Main St",
            supervisor_on_site="Dana",
        )
        services.shift_confirm(shift=shift, by=caseworker)
        mail.outbox.clear()
        dispatch.reminders_dispatch()

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    business = person(case, "business")
    assert any(business.email in to and subject == "Role-swap shift today at 9:31" for to, subject in subjects.items())
    assert any(
        customer_es.email in to and subject == "Turno de intercambio de roles hoy a las 9:31"
        for to, subject in subjects.items()
    )
    assert not any("omorrow" in subject or "añana" in subject for subject in subjects.values())


def test_the_meeting_reminder_sent_the_evening_before_a_meeting_after_midnight_says_tomorrow(caseworker):
    with time_machine.travel(at(1, 10, 0), tick=False):
        case = walk_to_meeting(full_case(caseworker=caseworker), caseworker)
        services.meeting_schedule(
            case=case,
            by=caseworker,
            scheduled_at=at(5, 0, 30),
            format="video",
            location="https://meet.example/x",
            facilitator="Sam",
            safety_plan="",
        )
    customer = person(case, "customer")
    mail.outbox.clear()

    with time_machine.travel(at(4, 23, 45), tick=False):
        dispatch.reminders_dispatch()

    assert [m.subject for m in mail.outbox if customer.email in m.to[0]] == [
        "The restorative meeting, tomorrow at 0:30"
    ]


def test_staff_pages_say_just_now_rather_than_zero_minutes_ago():
    assert ago(MORNING, MORNING + timedelta(seconds=20)) == "just now"
    assert ago(MORNING, MORNING + timedelta(minutes=2, seconds=5)) == "2\xa0minutes ago"
    assert ago(MORNING, MORNING + timedelta(hours=1, minutes=5)) == "1\xa0hour ago"
