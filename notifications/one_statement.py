"""The dispatcher's one speed trick: on PostgreSQL, an e-mail is recorded in one statement.

What it buys (``make bench``, 1,000 due reminders at 100,000 cases): the dispatcher sends at
about 0.14 of a plain ``send_mail`` loop when it records each e-mail with the ORM (the link's
``save()``, its simple-history row, the reminder's ``UPDATE``: three statements and the
commit's wait for the disk), and at about 0.3 with this; the target is 0.25. Nothing else in the
dispatcher depends on it: on SQLite, and wherever it is not used, ``dispatch._record_sent``
writes the same rows with the ORM.

One statement: two common table expressions insert the personal link and its "+" history row
as ``save()`` writes it for the system (``link_insert_sql``), then the ``UPDATE`` marks the
reminder sent under the conditions of ``dispatch._still_ours``, ``RETURNING`` a row only when
it did. ``SET LOCAL synchronous_commit TO OFF`` goes with it: that transaction's commit does not
wait for the disk (see ``dispatch``'s docstring for what a crash of the database server may
then cost: an e-mail sent twice, never one lost).

What would break it: a new column on ``AccessLink``'s history table that ``link_insert_sql``
does not know how to fill (it refuses to build the statement, ``ImproperlyConfigured``), or a
history row that no longer looks like ``save()``'s. ``tests/notifications/test_one_statement.py``
compares the two on PostgreSQL, so a Django or django-simple-history upgrade that changes
them fails there first.
"""

import functools
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Field

from cases.models import AccessLink, Case

from . import reminders
from .models import Reminder


def record_sent(reminder: Reminder, link: AccessLink | None, sent_at: datetime) -> bool:
    """Save the e-mail's link (if any) and mark the reminder sent, if the claim still holds; in one
    statement. False if the claim no longer holds (the caller rolls back, and the link goes too)."""
    sql, params = _record_sent_sql(reminder, link, sent_at)
    with connection.cursor() as cursor:
        cursor.execute(COMMIT_WITHOUT_WAITING_FOR_THE_DISK + sql, params)
        row = cursor.fetchone()  # the last statement's
    if row is not None and link is not None:
        link.pk = row[0]
    return row is not None


# On PostgreSQL, the transaction that records an e-mail commits without waiting for the disk
# (see the module's docstring). Sent with the record's statement, in the same round trip.
# ``SET LOCAL`` rather than once for the connection: it ends with the transaction, also behind
# a pooler such as PgBouncer that hands the connection to someone else next.
COMMIT_WITHOUT_WAITING_FOR_THE_DISK = "SET LOCAL synchronous_commit TO OFF; "


def _record_sent_sql(reminder: Reminder, link: AccessLink | None, sent_at: datetime) -> tuple[str, list]:
    """PostgreSQL: ``_record_sent`` in one statement, with the conditions of ``_still_ours``.

    ``UPDATE … RETURNING`` returns a row only if the reminder was marked; the link and its
    history row are inserted either way (common table expressions always run), and the
    caller's rollback removes them when it was not.
    """
    link_sql, params = link_insert_sql(link, history_date=sent_at) if link is not None else ("", [])
    params += [
        Reminder.State.SENT.value,
        sent_at,
        reminder.attempts + 1,
        reminder.pk,
        Reminder.State.SCHEDULED.value,
        reminder.next_attempt_at,
        reminder.claimed_until,
    ]
    paused_check = reminder.kind in reminders.RULE_KINDS
    if paused_check:
        params += sorted(str(status) for status in reminders.WAITING_STATUSES)
    return _mark_sent_sql(link_sql, paused_check=paused_check), params


@functools.cache
def _mark_sent_sql(link_sql: str, *, paused_check: bool) -> str:
    """The statement's text: one for reminders with a link, one without, each with or without the pause check."""
    # Table and column names come from the models; every value is a parameter.
    table, cases = Reminder._meta.db_table, Case._meta.db_table
    sql = f"WITH {link_sql} " if link_sql else ""
    sql += (
        f"UPDATE {table} SET state = %s, sent_at = %s, attempts = %s, "  # noqa: S608
        f"access_link_id = {'(SELECT id FROM link)' if link_sql else 'NULL'}, claimed_until = NULL "
        "WHERE id = %s AND state = %s AND next_attempt_at = %s AND claimed_until IS NOT DISTINCT FROM %s"
    )
    if paused_check:
        waiting = ", ".join(["%s"] * len(reminders.WAITING_STATUSES))
        sql += f" AND (SELECT status FROM {cases} WHERE {cases}.id = {table}.case_id) NOT IN ({waiting})"  # noqa: S608
    return sql + " RETURNING access_link_id"


def link_insert_sql(link: AccessLink, *, history_date: datetime) -> tuple[str, list]:
    """PostgreSQL: two common table expressions that save the unsaved ``link`` and its history row.

    ``link`` inserts the link (``RETURNING *``), ``link_history`` its "+" history row as
    ``save()`` writes it for the system (no user, no participant; the token's hash is not
    copied). For the dispatcher, which records an e-mail in one statement: ``WITH {sql}
    <statement>``, where the statement reads the new link's id as ``(SELECT id FROM link)``.
    """
    sql, fields = _link_insert_sql()
    return sql, [*(field.get_db_prep_save(getattr(link, field.attname), connection) for field in fields), history_date]


@functools.cache
def _link_insert_sql() -> tuple[str, list[Field]]:
    fields = [field for field in AccessLink._meta.concrete_fields if not field.primary_key]
    history = AccessLink.history.model
    tracked = {field.name for field in history.tracked_fields}
    history_columns, history_values = [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in tracked:
            value = field.column  # the link's own column, of the same name
        elif field.name == "history_date":
            value = "%s"
        elif field.name == "history_type":
            value = "'+'"
        elif field.null:
            value = "NULL"  # the change reason, the user, the participant: none for the system
        else:
            raise ImproperlyConfigured(f"link_insert_sql does not know how to fill {history.__name__}.{field.name}.")
        history_columns.append(field.column)
        history_values.append(value)
    # Table and column names from the models, values as parameters.
    sql = (
        f"link AS (INSERT INTO {AccessLink._meta.db_table} ({', '.join(field.column for field in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING *), "
        f"link_history AS (INSERT INTO {history._meta.db_table} ({', '.join(history_columns)}) "
        f"SELECT {', '.join(history_values)} FROM link)"
    )
    return sql, fields
