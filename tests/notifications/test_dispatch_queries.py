"""A dispatcher pass brings the cases of its due reminders in line in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import dispatch, reminders
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person


def _cases_with_a_due_notice(caseworker, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        case = full_case(caseworker=caseworker)
        reminders.sync_case(case, nudge=False)
        reminders.notify(case=case, kind=Reminder.Kind.LINK, participant=person(case, "customer"))
        ids.append(case.pk)
    return ids


def _sync_queries(case_ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as queries:
        dispatch._sync(case_ids, timezone.now())
    return len(queries)


def test_bringing_cases_in_line_costs_the_same_queries_for_one_case_and_for_twenty(caseworker):
    one = _cases_with_a_due_notice(caseworker, 1)
    twenty = _cases_with_a_due_notice(caseworker, 20)

    assert _sync_queries(one) == _sync_queries(twenty)


def test_a_case_changed_since_its_reminders_were_made_is_brought_in_line_by_the_pass(caseworker):
    [case_id] = _cases_with_a_due_notice(caseworker, 1)
    Reminder.objects.filter(case_id=case_id, kind=Reminder.Kind.REFLECTION).delete()

    dispatch._sync([case_id], timezone.now())

    assert Reminder.objects.filter(case_id=case_id, kind=Reminder.Kind.REFLECTION, state="scheduled").exists()


def test_the_pass_moves_a_reminder_whose_date_changed_and_cancels_one_no_longer_wanted(caseworker):
    [case_id] = _cases_with_a_due_notice(caseworker, 1)
    scheduled = Reminder.objects.filter(case_id=case_id, kind=Reminder.Kind.REFLECTION, state="scheduled")
    reflection = scheduled.order_by("pk").first()
    wanted_key = reflection.key
    Reminder.objects.filter(pk=reflection.pk).update(key=wanted_key.rsplit("@", 1)[0] + "@2001-01-01")
    stray = Reminder.objects.create(
        case_id=case_id,
        kind=Reminder.Kind.REFLECTION,
        participant=reflection.participant,
        key="reflection:nobody@2001-01-01",
        due_at=reflection.due_at,
        next_attempt_at=reflection.next_attempt_at,
    )

    dispatch._sync([case_id], timezone.now())

    reflection.refresh_from_db()
    assert (reflection.key, reflection.state) == (wanted_key, "scheduled")  # the same row, moved back
    stray.refresh_from_db()
    assert stray.state == "cancelled"
    assert stray.cancel_reason == "No longer needed: what it was about has changed."


def _pass_queries(caseworker, count: int) -> tuple[int, int]:
    """Queries of a pass that sends ``count`` due notices: (reads, all)."""
    _cases_with_a_due_notice(caseworker, count)
    with CaptureQueriesContext(connection) as queries:
        result = dispatch.reminders_dispatch()
    assert result.outcomes["sent"] == count
    statements = [
        query["sql"] for query in queries.captured_queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    return sum(sql.startswith("SELECT") for sql in statements), len(statements)


def test_a_pass_reads_its_reminders_in_the_same_queries_for_five_and_for_twenty(caseworker):
    """No read per e-mail. On PostgreSQL, one round trip: the statement that saves the link with its
    history row and marks the reminder sent (after ``SET LOCAL synchronous_commit``); on SQLite, three writes."""
    reads_5, all_5 = _pass_queries(caseworker, 5)
    reads_20, all_20 = _pass_queries(caseworker, 20)

    assert reads_20 == reads_5
    assert all_20 - all_5 == 15 * (1 if connection.vendor == "postgresql" else 3)
