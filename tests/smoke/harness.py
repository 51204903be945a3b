"""The pieces of the production smoke test: real processes that are always stopped, a PostgreSQL
database of its own, a Redis it may restart, an SMTP sink, and a browser-like HTTP client.

Nothing here knows about cases: the tests say what a person does, this module only runs things.
"""

import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import psycopg2
import redis
import requests
from aiosmtpd.controller import Controller
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Seconds, printed at the end of the run (tests/smoke/conftest.py).
TIMINGS: dict[str, float] = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], *, what: str, timeout: float, interval: float = 0.2) -> float:
    """Poll until ``condition()`` is true; return how many seconds that took."""
    started = time.monotonic()
    last_error: Exception | None = None
    while time.monotonic() - started < timeout:
        try:
            if condition():
                return time.monotonic() - started
        except (OSError, requests.RequestException, redis.RedisError) as error:
            last_error = error
        time.sleep(interval)
    reason = f": {last_error}" if last_error else ""
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}{reason}")


def procfile_commands() -> dict[str, list[str]]:
    """deploy/Procfile's commands: the smoke test runs exactly what production runs."""
    lines = (ROOT / "deploy" / "Procfile").read_text().splitlines()
    return {
        name: shlex.split(command)
        for name, command in (line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))
    }


def settings_names() -> set[str]:
    """Every variable of deploy/env.example: none may leak in from the environment of the test run."""
    example = (ROOT / "deploy" / "env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))


class Process:
    """A program in a process group of its own, with its output in files; ``stop()`` ends the group."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.stdout_path = log_dir / f"{name}.stdout.log"
        self.stderr_path = log_dir / f"{name}.stderr.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        with self.stdout_path.open("ab") as stdout, self.stderr_path.open("ab") as stderr:
            self.popen = subprocess.Popen(  # noqa: S603 - our own programs, from the Procfile
                self.command, cwd=ROOT, env=self.env, stdout=stdout, stderr=stderr, start_new_session=True
            )
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, *, grace: float = 20) -> None:
        """SIGTERM to the whole group (gunicorn's and Celery's children too), SIGKILL after ``grace``."""
        if self.popen is None:
            return
        group = self.popen.pid
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            if not _group_alive(group, wait):
                break
        self.popen.wait(timeout=5)
        self.popen = None

    def stdout_lines(self) -> list[str]:
        return self.stdout_path.read_text(errors="replace").splitlines() if self.stdout_path.exists() else []

    def output(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in (self.stdout_path, self.stderr_path) if path.exists()
        )

    def tail(self, lines: int = 15) -> str:
        text = "\n".join(self.output().splitlines()[-lines:])
        return f"--- {self.name} (last {lines} lines; {self.stdout_path.parent}) ---\n{text}"


def _group_alive(group: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


def run_step(command: list[str], *, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """One step of the README's production instructions; its output is shown if it fails."""
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{shlex.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


class PostgresDatabase:
    """A database of its own on the machine's PostgreSQL, created for the run and dropped after it."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.name = f"compassion_smoke_{os.getpid()}_{secrets.token_hex(3)}"

    @property
    def url(self) -> str:
        return urlunsplit(urlsplit(self.server_url)._replace(path=f"/{self.name}"))

    def _execute(self, statement: sql.Composable) -> None:
        connection = psycopg2.connect(self.server_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def create(self) -> None:
        self._execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        self._execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


class RedisServer(Process):
    """A redis-server of the smoke test's own, on a free port, so that the test may restart it."""

    def __init__(self, *, log_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(log_dir),
        ]  # fmt: skip
        super().__init__("redis", command, env=env, log_dir=log_dir)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        super().start()
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_until(client.ping, what=f"redis-server on port {self.port}", timeout=15)
        return self


class SmtpSink:
    """A local SMTP server (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def received(self, matching: Callable[[EmailMessage], bool]) -> list[EmailMessage]:
        with self._lock:
            return [message for message in self.messages if matching(message)]

    def wait_for_exactly_one(
        self, matching: Callable[[EmailMessage], bool], *, what: str, timeout: float = 30, settle: float = 3
    ) -> tuple[EmailMessage, float]:
        """Wait for a message; then wait ``settle`` seconds more to see that no second copy comes."""
        seconds = wait_until(lambda: self.received(matching), what=what, timeout=timeout)
        time.sleep(settle)
        messages = self.received(matching)
        assert len(messages) == 1, f"{what}: {len(messages)} messages arrived, not exactly one"
        return messages[0], seconds


class Browser(requests.Session):
    """What a person's browser sends through the TLS-terminating proxy, talking to gunicorn directly.

    The proxy's part: X-Forwarded-Proto: https on every request and Secure cookies passed on
    over the plain-HTTP hop. The browser's part: an Origin header on every form it posts.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.origin = "https://" + urlsplit(base_url).netloc
        self.headers.update({"X-Forwarded-Proto": "https"})

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        # Django marks its cookies Secure (we are behind HTTPS); the hop to gunicorn is HTTP.
        for cookie in self.cookies:
            cookie.secure = False
        return super().prepare_request(request)

    def request(self, method: str, url: str, *args, allow_redirects: bool = True, **kwargs) -> requests.Response:
        """Follow redirects one request at a time, so that each one gets the cookies above."""
        response = super().request(method, url, *args, allow_redirects=False, **kwargs)
        hops = 0
        while allow_redirects and response.is_redirect and hops < 10:
            location = urlsplit(urljoin(response.url, response.headers["Location"]))
            url = self.base_url + urlunsplit(("", "", location.path, location.query, ""))
            response = super().request("GET", url, allow_redirects=False, timeout=kwargs.get("timeout", 10))
            hops += 1
        return response

    def url(self, path: str) -> str:
        return self.base_url + path

    def get_page(self, path: str, **kwargs) -> requests.Response:
        response = self.get(self.url(path), timeout=10, **kwargs)
        assert response.status_code == 200, f"GET {path}: {response.status_code}"
        return response

    def submit(self, path: str, data: dict, *, to: str | None = None, **kwargs) -> requests.Response:
        """GET the form's page, then POST ``data`` with the page's CSRF token, as a person would.

        ``to`` is the form's action when it is not the page itself (a page with several forms).
        """
        page = self.get_page(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token on {path}"
        return self.post(
            self.url(to) if to else page.url,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            headers={"Origin": self.origin, "Referer": self.origin + urlsplit(page.url).path},
            timeout=30,
            **kwargs,
        )


@dataclass
class HtmlForm:
    """A <form> of a page: what its fields hold, and the choices of its <select>s as (value, label)."""

    action: str
    values: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = HtmlForm(action=urlsplit(attr.get("action", "")).path)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attr.get("name") and attr.get("type") not in {"checkbox", "radio", "submit"}:
            self._form.values[attr["name"]] = attr.get("value", "")
        elif tag == "select":
            self._select = attr.get("name", "")
            self._form.choices[self._select] = []
        elif tag == "option" and self._select is not None:
            self._option, self._label = (attr.get("value", ""), "selected" in attr), ""

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._form is not None and self._select is not None and self._option is not None:
            value, selected = self._option
            self._form.choices[self._select].append((value, self._label.strip()))
            if selected:
                self._form.values[self._select] = value
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def page_forms(html: str) -> dict[str, HtmlForm]:
    """The forms of a page by the path they post to (the first, when several post to the same one)."""
    parser = _FormParser()
    parser.feed(html)
    forms: dict[str, HtmlForm] = {}
    for form in parser.forms:
        forms.setdefault(form.action, form)
    return forms
