"""Phone numbers as people read them."""

from functools import cache
from zoneinfo import ZoneInfo
from zoneinfo import available_timezones as _available

import phonenumbers
from django.conf import settings
from phonenumbers import timezone as phonenumber_time_zones


@cache
def available_timezones() -> frozenset[str]:
    return frozenset(_available())


def phone_display(number: phonenumbers.PhoneNumber | str | None) -> str:
    """National format for a number of the home region (``PHONE_REGION``), international for others;
    a number that is not a real one (typed before numbers were checked) as it was typed."""
    if not number:
        return ""
    if not isinstance(number, phonenumbers.PhoneNumber):
        return str(number)
    if not phonenumbers.is_valid_number(number):
        return number.raw_input or ""
    same_region = phonenumbers.region_code_for_number(number) == settings.PHONENUMBER_DEFAULT_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_region else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def phone_ways(number: str) -> set[str]:
    """The ways a stored number may be written: as stored, and (for a real one) E.164, national and
    international, so that erasing a person's number finds it in what people typed."""
    ways = {str(number)}
    try:
        parsed = phonenumbers.parse(str(number), settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ways
    if phonenumbers.is_valid_number(parsed):
        styles = (phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.NATIONAL)
        styles += (phonenumbers.PhoneNumberFormat.INTERNATIONAL,)
        ways |= {phonenumbers.format_number(parsed, style) for style in styles}
    return ways


def time_zone_of(number) -> ZoneInfo:
    """The person's time zone as far as their number tells (one zone for its area), else PLI's (``TIME_ZONE``)."""
    if number and isinstance(number, phonenumbers.PhoneNumber) and phonenumbers.is_valid_number(number):
        zones = phonenumber_time_zones.time_zones_for_number(number)
        if len(zones) == 1 and zones[0] in available_timezones():
            return ZoneInfo(zones[0])
    return ZoneInfo(settings.TIME_ZONE)
