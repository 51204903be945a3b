"""The ``timestamp`` tag and ``day`` filter say what the ``date`` filter said, in the current time zone."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone


def _render(source: str, **context) -> str:
    return Template("{% load timestamps %}" + source).render(Context(context))


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Madrid", "UTC"])
def test_a_timestamp_is_the_local_time_as_the_date_filter_wrote_it(zone):
    moment = datetime(2026, 3, 8, 6, 30, 15, tzinfo=UTC)  # the night New York moves its clocks
    with timezone.override(zone):
        ours = _render("{% timestamp moment %}|{% timestamp moment seconds=True %}|{{ moment|day }}", moment=moment)
        django = _render(
            "<time datetime=\"{{ moment|date:'c' }}\">{{ moment|date:'Y-m-d H:i' }}</time>"
            "|<time datetime=\"{{ moment|date:'c' }}\">{{ moment|date:'Y-m-d H:i:s' }}</time>"
            "|{{ moment|date:'Y-m-d' }}",
            moment=moment,
        )
    assert ours == django


def test_a_missing_time_renders_nothing_and_a_plain_date_its_day():
    source = "[{% timestamp nothing %}][{{ nothing|day }}][{{ when|day }}]"
    rendered = _render(source, nothing=None, when=date(2026, 1, 2))
    assert rendered == "[][][2026-01-02]"
