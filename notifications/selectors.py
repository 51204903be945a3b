"""Reads for the pages about reminders."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, QuerySet, Subquery

from cases.models import Case, Participant
from cases.selectors import attach_participants, cases_visible_to

from .models import Reminder

SENT_SHOWN = 10


@dataclass
class CaseReminders:
    """What the case page shows: every failed and scheduled reminder, and the latest sent."""

    failed: list[Reminder] = field(default_factory=list)
    scheduled: list[Reminder] = field(default_factory=list)
    sent: list[Reminder] = field(default_factory=list)
    cancelled: int = 0
    # The latest personal-link e-mail asked for each participant (by id), whatever its state.
    link_emails: dict[int, Reminder] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.failed or self.scheduled or self.sent)


def case_reminders(case: Case, *, participants: list[Participant] | None = None) -> CaseReminders:
    """The case's reminders, sorted for the page, in one query; their participants taken from
    ``participants`` (all the case's, read already) when given, else read with them."""
    out = CaseReminders()
    rows = case.reminders.select_related("user", *([] if participants is not None else ["participant"]))
    rows = rows.order_by("next_attempt_at", "id")
    if participants is not None:
        rows = attach_participants(rows, participants)
    for reminder in rows:
        if reminder.kind == Reminder.Kind.LINK and reminder.state != Reminder.State.CANCELLED:
            latest = out.link_emails.get(reminder.participant_id)
            if latest is None or (reminder.due_at, reminder.pk) > (latest.due_at, latest.pk):
                out.link_emails[reminder.participant_id] = reminder
        if reminder.state == Reminder.State.FAILED:
            out.failed.append(reminder)
        elif reminder.state == Reminder.State.SCHEDULED:
            out.scheduled.append(reminder)
        elif reminder.state == Reminder.State.SENT:
            out.sent.append(reminder)
        else:
            out.cancelled += 1
    out.sent = sorted(out.sent, key=lambda r: r.sent_at, reverse=True)[:SENT_SHOWN]
    return out


def failed_reminders_for(user: AbstractBaseUser | AnonymousUser, *, counted: bool = False) -> QuerySet[Reminder]:
    """Failed reminders on the cases the user sees (a supervisor: all), newest first, with their case.

    ``counted`` adds ``total`` to each row, the number of them all, so that the first few and
    how many there are come in one query. It is counted once, apart from the rows (not a window
    over them, which would join every failed reminder to its case to show the first ten).
    """
    visible = Reminder.objects.filter(state=Reminder.State.FAILED, case__in=cases_visible_to(user))
    failed = visible.select_related("case", "participant", "user").order_by("-next_attempt_at", "-id")
    if not counted:
        return failed
    total = visible.order_by().values("state").annotate(total=Count("pk")).values("total")
    return failed.annotate(total=Subquery(total))
