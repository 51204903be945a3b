"""The dispatcher's one statement (PostgreSQL) writes what the ORM would have written.

If a Django or django-simple-history upgrade changes the link's table or its history table,
these fail before an e-mail is recorded wrongly (notifications/one_statement.py).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cases import links
from cases.models import AccessLink
from notifications import one_statement, reminders
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person

from .reminder_helpers import dispatch_at

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")

# What differs between any two history rows, whoever wrote them.
OWN = {"history_id", "id", "token_hash", "created_at", "expires_at", "emailed_at", "history_date"}


def history_of(link: AccessLink) -> dict:
    row = link.history.values().get()
    return {name: value for name, value in row.items() if name not in OWN}


def test_the_link_of_a_sent_email_has_the_history_row_that_save_writes(caseworker):
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)
    reminder = case.reminders.filter(kind=Reminder.Kind.REFLECTION).order_by("due_at").first()

    dispatch_at(reminder.due_at)

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    recorded = reminder.access_link
    saved, _token = links.link_for_email(participant=person(case, "customer"), emailed_at=timezone.now())
    saved.save()
    assert history_of(recorded) == history_of(saved)
    assert recorded.history.get().history_type == "+"
    assert recorded.expires_at - recorded.emailed_at == timedelta(days=30)


def test_a_history_column_it_does_not_know_stops_it_rather_than_writing_a_wrong_row(monkeypatch):
    one_statement._link_insert_sql.cache_clear()
    history = AccessLink.history.model
    unknown = history._meta.get_field("history_type").clone()
    unknown.name, unknown.attname, unknown.column, unknown.null = "approved_by", "approved_by", "approved_by", False
    monkeypatch.setattr(history._meta, "concrete_fields", (*history._meta.concrete_fields, unknown))
    try:
        with pytest.raises(Exception, match="does not know how to fill"):
            one_statement._link_insert_sql()
    finally:
        one_statement._link_insert_sql.cache_clear()
