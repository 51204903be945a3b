"""Trigram indexes for the case list's search (reference, customer name, business name), PostgreSQL only.

The search matches any part of a name, case-insensitively (``UPPER(name) LIKE UPPER('%…%')``),
which a B-tree cannot serve: without these, every search reads every case and participant.
pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.
SQLite (the embedded default) has no such index and keeps reading everything, which is fine
at its size. The indexes are not in the models' Meta because SQLite cannot build them.
"""

from django.db import migrations

INDEXES = {
    "case_reference_trgm": "cases_case USING gin (UPPER(reference) gin_trgm_ops)",
    "participant_customer_name_trgm": (
        "cases_participant USING gin (UPPER(name) gin_trgm_ops) WHERE role = 'customer'"
    ),
    "business_name_trgm": "cases_business USING gin (UPPER(name) gin_trgm_ops)",
}


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_calendar_feed"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
