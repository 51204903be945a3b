"""The night, when no text goes out: ``SMS_QUIET_HOURS`` ("21:00-08:00") in the person's time zone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def window() -> tuple[time, time] | None:
    """The quiet window's start and end; None when it is empty ("" or a start equal to its end)."""
    value = settings.SMS_QUIET_HOURS.strip()
    if not value:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as error:
        raise ImproperlyConfigured(f"SMS_QUIET_HOURS must look like 21:00-08:00, not {value!r}.") from error
    return None if start == end else (start, end)


def ends_at(now: datetime, zone: ZoneInfo) -> datetime | None:
    """When the quiet hours around ``now`` end, in that zone; None when ``now`` is not in them."""
    hours = window()
    if hours is None:
        return None
    start, end = hours
    local = now.astimezone(zone)
    clock = local.time()
    if start < end:
        quiet = start <= clock < end
        end_day = local.date()
    else:  # across midnight
        quiet = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not quiet:
        return None
    return datetime.combine(end_day, end, tzinfo=zone)
