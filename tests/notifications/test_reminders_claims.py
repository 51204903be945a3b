"""Claims: a dispatcher claims due reminders in batches, for a lease; each is still sent exactly once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from cases.models import AccessLink
from notifications import dispatch, reminders
from notifications import services as notification_services
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person

from .reminder_helpers import dispatch_at

Kind = Reminder.Kind


@pytest.fixture
def case(caseworker):
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)
    return case


@pytest.fixture
def reminder(case) -> Reminder:
    return case.reminders.filter(kind=Kind.REFLECTION).order_by("due_at").first()


def claim_at(moment) -> list[Reminder]:
    """What a dispatcher does first: claim the due reminders (and then, in these tests, nothing more)."""
    with time_machine.travel(moment, tick=False):
        return dispatch.claim(timezone.now(), dispatch.CLAIM_AT_ONCE)


def deliver_at(moment, batch: list[Reminder]) -> list[str | None]:
    with time_machine.travel(moment, tick=False):
        return [dispatch._deliver(reminder) for reminder in batch]


def test_a_reminder_claimed_by_a_worker_that_died_is_sent_once_after_the_lease(reminder):
    start = reminder.due_at
    [claimed] = claim_at(start)  # ... and the worker dies before sending it

    during = dispatch_at(start + timedelta(minutes=1))
    after = dispatch_at(start + dispatch.claim_lease() + timedelta(seconds=1))
    later = dispatch_at(start + dispatch.claim_lease() + timedelta(minutes=2))

    assert claimed == reminder
    assert [during.total, after.outcomes["sent"], later.total] == [0, 1, 0]
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts, reminder.claimed_until) == (Reminder.State.SENT, 1, None)


def test_a_reminder_claimed_by_a_live_worker_is_not_taken_by_a_second_dispatcher(reminder):
    start = reminder.due_at
    batch = claim_at(start)

    second = dispatch_at(start + timedelta(seconds=5))
    outcomes = deliver_at(start + timedelta(seconds=10), batch)

    assert second.total == 0
    assert outcomes == ["sent"]
    assert len(mail.outbox) == 1


def test_a_worker_that_outlived_its_lease_does_not_send_what_another_dispatcher_took_over(reminder):
    start = reminder.due_at
    stale = claim_at(start)
    other = dispatch_at(start + dispatch.claim_lease() + timedelta(seconds=1))

    outcomes = deliver_at(start + dispatch.claim_lease() + timedelta(seconds=2), stale)

    assert other.outcomes["sent"] == 1
    assert outcomes == [None]
    assert len(mail.outbox) == 1
    assert AccessLink.objects.count() == 1


def test_a_reminder_cancelled_after_it_was_claimed_is_not_sent(reminder, caseworker):
    batch = claim_at(reminder.due_at)
    notification_services.reminder_cancel(reminder=reminder, by=caseworker)

    outcomes = deliver_at(reminder.due_at + timedelta(seconds=1), batch)

    assert outcomes == [None]
    assert not mail.outbox
    assert not AccessLink.objects.exists()  # the link made for it went with the rolled back attempt
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.CANCELLED


def test_a_reminder_of_a_case_paused_after_the_claim_waits(case, reminder, caseworker):
    batch = claim_at(reminder.due_at)
    case_services.case_change_status(case=case, action="pause", by=caseworker)

    outcomes = deliver_at(reminder.due_at + timedelta(seconds=1), batch)

    assert outcomes == [None]
    assert not mail.outbox
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SCHEDULED


def test_a_reminder_moved_after_the_claim_is_sent_at_its_new_time_not_now(reminder):
    batch = claim_at(reminder.due_at)
    Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=reminder.due_at + timedelta(days=1))

    outcomes = deliver_at(reminder.due_at + timedelta(seconds=1), batch)

    assert outcomes == [None]
    assert not mail.outbox


def test_what_a_pass_has_no_time_left_for_is_given_back_for_the_next_pass(reminder, settings):
    settings.REMINDER_PASS_SECONDS = 0

    result = dispatch_at(reminder.due_at)

    assert result.total == 0
    reminder.refresh_from_db()
    assert (reminder.state, reminder.claimed_until) == (Reminder.State.SCHEDULED, None)
    settings.REMINDER_PASS_SECONDS = 50
    assert dispatch_at(reminder.due_at + timedelta(seconds=1)).outcomes["sent"] == 1


def test_a_reminder_that_broke_the_dispatcher_is_given_back_and_tried_by_the_next_pass(case, monkeypatch):
    reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))
    notice = case.reminders.get(kind=Kind.LINK)
    deliver = dispatch._deliver
    monkeypatch.setattr(dispatch, "_deliver", lambda reminder: 1 / 0)

    first = dispatch_at(notice.due_at)
    monkeypatch.setattr(dispatch, "_deliver", deliver)
    second = dispatch_at(notice.due_at + timedelta(minutes=1))

    assert (first.outcomes["error"], second.outcomes["sent"]) == (1, 1)
    assert len(mail.outbox) == 1


def test_an_e_mailed_link_is_in_the_audit_history_as_issued_by_the_system(reminder):
    dispatch_at(reminder.due_at)

    reminder.refresh_from_db()
    link = reminder.access_link
    [row] = AccessLink.history.filter(id=link.pk)
    assert row.history_type == "+"
    assert (row.history_user, row.history_participant) == (None, None)
    assert (row.participant_id, row.created_at, row.expires_at) == (
        link.participant_id,
        link.created_at,
        link.expires_at,
    )
    assert row.emailed_at == link.emailed_at == reminder.sent_at


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")
def test_a_pass_leaves_its_connection_waiting_for_the_disk_again(reminder):
    dispatch_at(reminder.due_at)

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")
def test_the_statement_that_records_an_email_lets_its_commit_skip_waiting_for_the_disk(reminder):
    with CaptureQueriesContext(connection) as queries:
        dispatch_at(reminder.due_at)

    [record] = [query["sql"] for query in queries.captured_queries if "RETURNING access_link_id" in query["sql"]]
    assert record.startswith("SET LOCAL synchronous_commit TO OFF; ")
