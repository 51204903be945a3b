"""The production stack for the smoke test, started once for the module and always stopped.

Needs PostgreSQL on 127.0.0.1:5432 (trust auth; SMOKE_POSTGRES_URL to change) and the
redis-server program. Everything else is made here: a database of its own, a redis-server of
its own on a free port (the test restarts it, which nobody else's Redis must suffer), an SMTP
sink, then the README's production steps and deploy/Procfile's processes.
"""

import os
import secrets
import signal
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from celery import Celery

from tests.api.receiver import self_signed_certificate
from tests.sms_gateway import Gateway

from .harness import (
    BIN,
    TIMINGS,
    Browser,
    PostgresDatabase,
    Process,
    RedisServer,
    SmtpSink,
    free_port,
    procfile_commands,
    run_step,
    settings_names,
    wait_until,
)

SUPERVISOR = "supervisor"
SUPERVISOR_EMAIL = "supervisor@pli.example"
WORKER_NAMES = ("worker1", "worker2")
BEAT_SECONDS = 10


@dataclass
class Stack:
    env: dict[str, str]
    base_url: str
    database: PostgresDatabase
    redis: RedisServer
    mail: SmtpSink
    web: Process
    workers: list[Process]
    beat: Process
    log_dir: Path
    supervisor_password: str
    receiver_tls: tuple[Path, Path]
    sms_gateway: Gateway
    broker: Celery = field(init=False)

    def __post_init__(self) -> None:
        self.broker = Celery(broker=self.env["CELERY_BROKER_URL"])

    @property
    def processes(self) -> list[Process]:
        return [self.web, *self.workers, self.beat]

    def browser(self) -> Browser:
        return Browser(self.base_url)

    def healthz(self) -> tuple[int, dict]:
        response = self.browser().get(self.base_url + "/healthz", timeout=10)
        return response.status_code, response.json()

    def wait_for_health(self, status: int, state: dict, *, timeout: float = 60) -> float:
        return wait_until(lambda: self.healthz() == (status, state), what=f"/healthz {status} {state}", timeout=timeout)

    def workers_answering(self) -> set[str]:
        """The workers that answer a ping through the broker, by name."""
        replies = self.broker.control.ping(timeout=1.0)
        return {name.split("@")[0] for reply in replies for name in reply}

    def wait_for_workers(self, *, timeout: float = 60) -> float:
        return wait_until(
            lambda: self.workers_answering() == set(WORKER_NAMES), what="both Celery workers", timeout=timeout
        )

    def restart_redis(self) -> None:
        self.redis.stop()
        self.redis.start()

    def restart_workers(self) -> None:
        for worker in self.workers:
            worker.stop()
        for worker in self.workers:
            worker.start()

    def diagnostics(self) -> str:
        return "\n".join(process.tail() for process in [*self.processes, self.redis])


def _raise_keyboard_interrupt(signum, frame):
    # CI stopping the run with SIGTERM still runs the finalizers that stop the processes.
    raise KeyboardInterrupt


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("smoke")
    started = time.monotonic()
    with ExitStack() as cleanup:
        cleanup.callback(signal.signal, signal.SIGTERM, signal.signal(signal.SIGTERM, _raise_keyboard_interrupt))
        base_env = {key: value for key, value in os.environ.items() if key not in settings_names()}
        base_env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONUNBUFFERED="1")

        database = PostgresDatabase(os.environ.get("SMOKE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
        database.create()
        cleanup.callback(database.drop)
        redis_server = RedisServer(log_dir=log_dir, env=base_env).start()
        cleanup.callback(redis_server.stop)
        mail = SmtpSink().start()
        cleanup.callback(mail.stop)
        sms_gateway = Gateway().start()
        cleanup.callback(sms_gateway.stop)

        web_port = free_port()
        # The webhook receiver the test starts answers on https with a certificate of its own.
        receiver_tls = self_signed_certificate(log_dir)
        env = {
            **base_env,
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database.url,
            "CELERY_BROKER_URL": redis_server.url(7),
            "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}",
            "SMS_URL": sms_gateway.sms_url,
            # Texts at any hour: the smoke test runs at night too.
            "SMS_QUIET_HOURS": "",
            "STATIC_ROOT": str(log_dir / "staticfiles"),
            "VAR_DIR": str(log_dir),
            "GUNICORN_BIND": f"127.0.0.1:{web_port}",
            "WEB_CONCURRENCY": "2",
            "CELERY_WORKER_CONCURRENCY": "1",
            # The tests type times in it (a shift's) and compare them with what the e-mails say.
            "TIME_ZONE": "America/New_York",
            # Beat's reminder pass every few seconds instead of every minute: a test that waits
            # for a pass after a restart, or for a second copy that must not come, waits less.
            "REMINDER_DISPATCH_SECONDS": str(BEAT_SECONDS),
            # The test's webhook receiver is on this machine, and trusted by its certificate.
            "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
            "REQUESTS_CA_BUNDLE": str(receiver_tls[0]),
        }

        # The README's production steps, in order.
        password = secrets.token_urlsafe(16)
        manage = [str(BIN / "python"), "manage.py"]
        step_started = time.monotonic()
        run_step([*manage, "migrate"], env=env)
        run_step([*manage, "collectstatic", "--noinput"], env=env)
        run_step(
            [*manage, "createsuperuser", "--noinput", "--username", SUPERVISOR, "--email", SUPERVISOR_EMAIL],
            env={**env, "DJANGO_SUPERUSER_PASSWORD": password},
        )
        run_step([*manage, "make_supervisor", SUPERVISOR], env=env)
        TIMINGS["migrate, collectstatic, create the supervisor"] = time.monotonic() - step_started

        commands = procfile_commands()
        web = Process("web", commands["web"], env=env, log_dir=log_dir)
        workers = [
            Process(name, [*commands["worker"], "--hostname", f"{name}@%h"], env=env, log_dir=log_dir)
            for name in WORKER_NAMES
        ]
        beat = Process("beat", commands["beat"], env=env, log_dir=log_dir)
        stack = Stack(
            env=env,
            base_url=f"http://127.0.0.1:{web_port}",
            database=database,
            redis=redis_server,
            mail=mail,
            web=web,
            workers=workers,
            beat=beat,
            log_dir=log_dir,
            supervisor_password=password,
            receiver_tls=receiver_tls,
            sms_gateway=sms_gateway,
        )
        processes_started = time.monotonic()
        for process in stack.processes:
            process.start()
            cleanup.callback(process.stop)
        try:
            stack.wait_for_health(200, {"database": "ok", "broker": "ok"})
            TIMINGS["web answers /healthz 200, after its start"] = time.monotonic() - processes_started
            stack.wait_for_workers()
            TIMINGS["both workers answer a ping, after their start"] = time.monotonic() - processes_started
        except AssertionError as error:
            raise AssertionError(f"{error}\n{stack.diagnostics()}") from None
        TIMINGS["whole stack up, from an empty machine"] = time.monotonic() - started
        yield stack
        dead = [process.name for process in stack.processes if not process.running]
        assert not dead, f"These processes died during the test: {dead}\n{stack.diagnostics()}"


@pytest.fixture
def supervisor(stack) -> Browser:
    """A browser in which the supervisor has logged in through the login form."""
    browser = stack.browser()
    response = browser.submit("/accounts/login/", {"username": SUPERVISOR, "password": stack.supervisor_password})
    assert response.status_code == 200, f"logging in ended on {response.url} with {response.status_code}"
    assert "/accounts/login/" not in response.url, "the supervisor could not log in"
    return browser


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_sep("-", "smoke test timings (seconds)")
        for what, seconds in TIMINGS.items():
            terminalreporter.write_line(f"  {seconds:6.1f}  {what}")
