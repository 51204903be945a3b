"""Redis goes away: pages still work, reminders are still recorded, and go out when it returns.

A real ``redis-server`` of the test's own, on a free port (never the machine's 6379), is the
broker. It is stopped; a caseworker drafts a plan (sign-off requests are due at once, so the
page asks a worker to send them on commit) and a participant saves their reflection. Both
pages answer as usual, quickly; the reminder rows are there. Redis starts again on the same
port, beat's periodic message goes through it, and a real Celery worker sends the e-mails.
"""

import shutil
import socket
import subprocess
import time
from email.utils import parseaddr

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.urls import reverse

from cases import links
from compassion.celery import app as celery_app
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import PLAN, person, walk_to_plan

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server (apt-get install redis-server)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server on a port of its own, with nothing kept on disk; started and stopped by the test."""

    def __init__(self, folder):
        self.port, self.folder, self.process = free_port(), folder, None
        assert self.port != 6379

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--daemonize", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 10
        while not self.answers():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        assert not self.answers()


@pytest.fixture
def redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis, settings):
    """The Celery app publishes to our redis-server, as in production (no eager tasks here)."""
    conf = celery_app.conf
    before = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)
    conf.broker_url, conf.broker_transport_options = redis.url, settings.BROKER_FAIL_FAST_OPTIONS
    conf.task_always_eager = False
    _forget_connections()
    yield redis
    _forget_connections()
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = before


def _forget_connections() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def plan_form() -> dict:
    return {**PLAN, "personal_time_with_agent": "", "role_swap_hours": "8"}


def test_with_the_broker_down_pages_work_reminders_are_recorded_and_go_out_when_it_returns(
    client, caseworker, broker, caplog
):
    case = walk_to_plan(full_case(caseworker=caseworker), caseworker)
    _link, token = links.link_issue(participant=person(case, "agent"), by=None)
    client.force_login(caseworker)
    broker.stop()

    # The broker is down: staff and portal pages answer as usual, without waiting for it.
    started = time.monotonic()
    drafted = client.post(reverse("reconciliation:act", args=[case.reference, "plan-version"]), plan_form())
    assert drafted.status_code == 302
    assert time.monotonic() - started < 5
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert client.get(reverse("portal:home", args=[token])).status_code == 200
    assert client.get(reverse("healthz")).json() == {"database": "ok", "broker": "error"}
    assert "Could not queue a reminder dispatch" in caplog.text

    # ...and the reminders are recorded: one sign-off request for each person who must sign.
    requests = Reminder.objects.filter(case=case, kind=Reminder.Kind.SIGNOFF_REQUESTED)
    assert requests.count() == 3
    assert set(requests.values_list("state", flat=True)) == {Reminder.State.SCHEDULED}
    assert mail.outbox == []

    # Redis is back: beat's periodic message goes through it, and a real worker sends them.
    broker.start()
    assert client.get(reverse("healthz")).json() == {"database": "ok", "broker": "ok"}
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        celery_app.send_task(settings.CELERY_BEAT_SCHEDULE["dispatch-due-reminders"]["task"])
        deadline = time.monotonic() + 30
        while requests.filter(state=Reminder.State.SENT).count() < 3 and time.monotonic() < deadline:
            time.sleep(0.1)

    assert set(requests.values_list("state", flat=True)) == {Reminder.State.SENT}
    recipients = sorted(parseaddr(address)[1] for message in mail.outbox for address in message.to)
    assert recipients == sorted(p.email for p in case.participants.all())
