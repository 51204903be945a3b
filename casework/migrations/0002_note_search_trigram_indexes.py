"""Trigram indexes for the case list's search through notes, PostgreSQL only (as cases' 0005)."""

from django.db import migrations

INDEXES = {
    "note_text_trgm": "casework_note USING gin (UPPER(text) gin_trgm_ops)",
    "note_agreed_trgm": "casework_note USING gin (UPPER(agreed) gin_trgm_ops)",
    "note_with_whom_trgm": "casework_note USING gin (UPPER(with_whom) gin_trgm_ops)",
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
        ("casework", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
