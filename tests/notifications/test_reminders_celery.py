"""End to end: a real Celery worker and beat, on the real Redis, deliver a due reminder as an e-mail file.

Needs PostgreSQL (the worker, another process, must see the test's rows) and Redis on
127.0.0.1:6379 (it uses database 5); CI has both. Skipped, saying why, where they are missing.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from notifications import reminders
from notifications.models import Reminder
from tests.factories import full_case

REDIS = ("127.0.0.1", 6379)
BROKER_URL = "redis://127.0.0.1:6379/5"
WAIT_SECONDS = 60


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker must see the test's rows: PostgreSQL"),
    pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379"),
]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}/{db['NAME']}"


@pytest.fixture
def celery_worker_and_beat(tmp_path):
    """`celery worker` and `celery beat` as the README starts them, on this test's database; stopped afterwards."""
    env = {key: value for key, value in os.environ.items() if key not in {"EMAIL_URL", "DJANGO_ENV"}}
    env.update(
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=BROKER_URL,
        VAR_DIR=str(tmp_path),
        REMINDER_DISPATCH_SECONDS="1",
        LOG_FORMAT="plain",
    )
    celery = str(Path(sys.executable).parent / "celery")
    commands = {
        "worker": [celery, "-A", "compassion", "worker", "--concurrency=1", "--without-gossip", "--without-mingle"],
        "beat": [celery, "-A", "compassion", "beat", "--schedule", str(tmp_path / "beat-schedule")],
    }
    processes = {}
    try:
        for name, command in commands.items():
            log = (tmp_path / f"{name}.log").open("w")
            processes[name] = subprocess.Popen(  # noqa: S603 - our own command line
                [*command, "--loglevel=INFO"], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        yield tmp_path
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def logs(folder: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in folder.glob("*.log"))


def test_beat_and_a_worker_deliver_a_due_reminder_through_redis(caseworker, celery_worker_and_beat):
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case, nudge=False)
    reminder = case.reminders.filter(kind=Reminder.Kind.REFLECTION).order_by("due_at").first()
    Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=case.opened_at)  # as if three days had passed
    mail_folder = celery_worker_and_beat / "mail"

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and not list(mail_folder.glob("*.log")):
        time.sleep(0.5)

    files = list(mail_folder.glob("*.log"))
    assert files, f"No e-mail within {WAIT_SECONDS} s.\n{logs(celery_worker_and_beat)}"
    message = files[0].read_text()
    assert "Subject: Your reflection is waiting for you" in message
    assert f"Message-ID: <reminder-{reminder.pk}@pli.example>" in message
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
