"""Every text template, in English and Spanish, goes in at most two parts (segments).

Rendered with the longest things a real text carries: a personal link at a production address,
a long first name for the caseworker, PLI's phone written out, a shift's date and time.
"""

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from notifications.channels.sms import sms_body
from notifications.sms import segments

SMS_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "sms"
TEMPLATES = sorted(path.stem.removeprefix("reminder_") for path in SMS_TEMPLATES.glob("reminder_*.txt"))
LINK = "https://cases.example.org/p/" + "x" * 43 + "/"  # 32 random bytes, as every personal link


def body(kind: str, language: str, role: str = "customer") -> str:
    zone = ZoneInfo(settings.TIME_ZONE)
    # Far enough ahead to be written with its date ("Wed 30 Dec, 14:30"), the longest way.
    when = datetime(2026, 12, 30, 14, 30, tzinfo=zone)
    context = {
        "link_url": LINK,
        "sent_at": datetime(2026, 12, 5, 9, 0, tzinfo=zone),
        "participant": SimpleNamespace(role=role),
        "shift": SimpleNamespace(starts_at=when),
        "meeting": SimpleNamespace(scheduled_at=when),
        "contact_name": "Alexandrina",
        "contact_phone": "(212) 555-0199",
    }
    return sms_body(kind, language, context)


def test_there_is_a_text_for_every_kind_a_participant_can_get():
    assert set(TEMPLATES) >= {
        "reflection", "signoff", "signoff_requested", "shift_proposed", "shift_unconfirmed", "shift_tomorrow",
        "meeting_tomorrow", "checkin", "link", "personal_time_proposed", "personal_time_tomorrow", "questionnaire",
    }


@pytest.mark.parametrize("role", ["customer", "business"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", TEMPLATES)
def test_each_text_goes_in_at_most_two_parts(kind, language, role):
    text = body(kind, language, role)
    counted = segments.count(text)

    assert counted.parts <= 2, f"{kind} ({language}): {counted} for {text!r}"
    assert LINK in text
    assert "Alexandrina, (212) 555-0199" in text


def test_spanish_texts_keep_what_gsm_7_has_and_say_the_rest_plainly():
    text = body("reflection", "es")

    assert "¿Dudas?" in text  # ¿ is GSM-7
    assert "reflexion" in text  # ó is not: the whole text would go as UCS-2, in three parts
    assert segments.count(text).encoding == "GSM-7"


def test_the_counter_knows_gsm_7_from_ucs_2():
    assert segments.count("a" * 160) == segments.Segments("GSM-7", 160, 1)
    assert segments.count("a" * 161).parts == 2
    assert segments.count("€" * 80) == segments.Segments("GSM-7", 160, 1)  # the extension table counts twice
    assert segments.count("ó" * 70) == segments.Segments("UCS-2", 70, 1)
    assert segments.count("ó" * 71).parts == 2
    assert segments.count("ó" * 135).parts == 3
    assert segments.count("🙂").length == 2  # UTF-16: a surrogate pair


def test_a_short_spanish_text_keeps_its_accents():
    assert segments.fit("Tu reunión es mañana.") == "Tu reunión es mañana."
