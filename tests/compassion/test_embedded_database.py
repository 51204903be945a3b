"""The embedded default (SQLite, `make run`) takes two people writing at once.

Two threads of one process, each with its own connection to one SQLite file, as the web
server's threads and the Celery worker are, hand out case references at the same moment.
Without WAL, IMMEDIATE transactions and a busy timeout, SQLite answers "database is locked".
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WRITERS = textwrap.dedent(
    """
    import threading

    import django

    django.setup()
    from django.db import connection

    from cases.services import reference_allocate

    handed_out, errors = [], []
    start = threading.Barrier(2)


    def writer():
        start.wait()
        try:
            for _ in range(60):
                handed_out.extend(reference_allocate(year=2031))
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()


    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(len(handed_out), len(set(handed_out)), errors)
    """
)


@pytest.mark.skipif("postgres" in os.environ.get("DATABASE_URL", ""), reason="the embedded default is SQLite")
def test_two_writers_at_once_on_the_embedded_database_never_meet_a_locked_database(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ENV"}},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'compassion.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "compassion.settings",
        "VAR_DIR": str(tmp_path),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)

    done = subprocess.run(  # noqa: S603 - our own script, in this process's Python
        [sys.executable, "-c", WRITERS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "120 120 []"
