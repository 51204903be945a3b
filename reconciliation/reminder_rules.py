"""What a reminder the program wants looks like, for the steps' rules (``Step.reminders``).

The steps say which reminders they want for a case as it is (``Wanted``); notifications keeps
the case's ``Reminder`` rows in line with what they want, and sends them. A reminder's ``key``
is ``<series>@<generation>``: the series says what it is (kind, recipient, what it is about,
which of several), the generation for which date (the shift's start, the case's last activity).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings

from cases.models import Participant

from .models import CheckIn, PersonalTime, ReconciliationPlan, RoleSwapShift


@dataclass(frozen=True)
class Wanted:
    """A reminder the rules want: its kind (a ``Reminder.Kind``), who gets it, about what, and when."""

    kind: str
    due_at: datetime
    participant: Participant | None = None
    user_id: int | None = None
    shift: RoleSwapShift | None = None
    plan: ReconciliationPlan | None = None
    checkin: CheckIn | None = None
    personal_time: PersonalTime | None = None
    slot: str = ""
    generation: str = ""

    @property
    def series(self) -> str:
        return series_of(
            kind=self.kind,
            participant_id=self.participant.pk if self.participant else None,
            user_id=self.user_id,
            about=about(self.shift, self.plan, self.checkin, personal_time=self.personal_time),
            slot=self.slot,
        )

    @property
    def key(self) -> str:
        return f"{self.series}@{self.generation}"


def series_of(*, kind: str, participant_id: int | None, user_id: int | None, about: str, slot: str = "") -> str:
    recipient = f"p{participant_id}" if participant_id else f"u{user_id}"
    return f"{kind}:{recipient}:{about}:{slot}"


def about(shift=None, plan=None, checkin=None, failed=None, *, personal_time=None) -> str:
    for prefix, thing in (("s", shift), ("v", plan), ("c", checkin), ("r", failed), ("t", personal_time)):
        if thing is not None:
            return f"{prefix}{thing.pk}"
    return ""


def stamp(moment: datetime, precision: str = "%Y%m%dT%H%M%S.%f") -> str:
    return moment.astimezone(UTC).strftime(precision)


def delay(name: str) -> timedelta:
    """A delay of ``settings.REMINDER_DELAYS``, in days."""
    return timedelta(days=settings.REMINDER_DELAYS[name])


def taking_part(people: list[Participant], *roles: str) -> list[Participant]:
    """People of these roles who take part now (``Participant.takes_part``)."""
    return [person for person in people if person.role in roles and person.takes_part]
