"""The dates the app accepts: one rule for every form, service and table that holds a date.

A date a person types is never before ``EARLIEST`` (nothing this program deals with happened
earlier) and never after what it is for allows: "now" for something that happened, now plus
``SCHEDULE_AHEAD_DAYS`` for something scheduled. The tables hold a wider backstop
(``STORED_EARLIEST`` to ``STORED_LATEST``) as check constraints, so that no stored value can ever
be one Python cannot draw (year 10000 in UTC), whatever writes it.
"""

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = date(2000, 1, 1)

STORED_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
STORED_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def schedule_horizon() -> datetime:
    """The latest moment anything may be scheduled for."""
    return timezone.now() + timedelta(days=settings.SCHEDULE_AHEAD_DAYS)


def stored_in_range(field: str) -> Q:
    """The condition of a check constraint on a date-time column (a null passes)."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": STORED_EARLIEST, f"{field}__lt": STORED_LATEST})


def stored_date_in_range(field: str) -> Q:
    """The same for a date column."""
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": STORED_EARLIEST.date(), f"{field}__lt": STORED_LATEST.date()}
    )


class _Bounds:
    """Checks a typed date against ``EARLIEST`` and the field's latest ("now" or the schedule horizon)."""

    def __init__(self, *, latest: str = "schedule", **kwargs) -> None:
        if latest not in ("now", "schedule"):
            raise ValueError(f"latest must be 'now' or 'schedule', not {latest!r}")
        self.latest = latest
        super().__init__(**kwargs)

    def _latest_local(self) -> datetime:
        moment = timezone.now() if self.latest == "now" else schedule_horizon()
        return timezone.localtime(moment).replace(tzinfo=None)

    def _refuse(self, local: datetime) -> None:
        """``local`` is naive, in the current time zone: compared so, far years cannot overflow.

        A form may word a refusal its own way through ``error_messages`` (codes ``too_early``,
        ``in_future``, ``too_far``).
        """
        if local.date() < EARLIEST:
            default = _("Please choose a date from %(earliest)s on.") % {"earliest": formats.date_format(EARLIEST)}
            raise forms.ValidationError(self.error_messages.get("too_early", default), code="too_early")
        if local > self._latest_local():
            if self.latest == "now":
                default = _("This date is in the future.")
                raise forms.ValidationError(self.error_messages.get("in_future", default), code="in_future")
            default = _("Please choose a time within the next %(days)s days.") % {"days": settings.SCHEDULE_AHEAD_DAYS}
            raise forms.ValidationError(self.error_messages.get("too_far", default), code="too_far")


class BoundedDateTimeField(_Bounds, forms.DateTimeField):
    """A date and time between ``EARLIEST`` and now (``latest="now"``) or the schedule horizon."""

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None:
            # The form read it in the current time zone: its wall-clock time is compared as it
            # stands, since converting a far year through UTC is what overflows.
            self._refuse(value.replace(tzinfo=None))


class BoundedDateField(_Bounds, forms.DateField):
    """A day between ``EARLIEST`` and today (``latest="now"``) or the schedule horizon."""

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None:
            self._refuse(datetime.combine(value, time.min))

    def _latest_local(self) -> datetime:
        return datetime.combine(super()._latest_local().date(), time.max)

