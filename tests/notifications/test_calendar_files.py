"""A calendar file is what icalendar writes for a calendar holding its events, in every language."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from icalendar import Calendar

from notifications import calendar


def icalendar_writes(events, name) -> bytes:
    whole = Calendar()
    whole.add("prodid", calendar.PRODID)
    whole.add("version", "2.0")
    whole.add("x-wr-calname", name)
    for event in events:
        whole.add_component(event)
    return whole.to_ical()


def events(count):
    start = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    return [
        calendar._event(
            f"shift-{number}",
            f"Role-swap shift: front counter, a long summary that icalendar folds over lines ({number})",
            start + timedelta(days=number),
            start + timedelta(days=number, hours=4),
            "Main floor, by the; door",
            "Supervisor on site: Ana Núñez",
        )
        for number in range(count)
    ]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_calendar_file_is_what_icalendar_writes(language, count):
    with translation.override(language):
        these = events(count)
        default_name = translation.gettext("PLI · Customer Compassion Project")
        assert calendar.calendar_bytes(these) == icalendar_writes(these, default_name)
        assert calendar.calendar_bytes(these, name="PLI: my shifts") == icalendar_writes(these, "PLI: my shifts")
