"""`make run`'s Ctrl-C stops web, worker and beat, and leaves no process behind.

honcho starts each line of Procfile.dev in a session of its own and, once interrupted, sends
SIGTERM to each line's process group, then SIGKILL five seconds later. The tests run honcho
as `make run` does, on a free port and a var/ folder of their own, and put a mark in the
environment of everything they start: a process that lost its parent or left its group still
carries it, so a walk over /proc finds every one that is left.
"""

import os
import secrets
import signal
import time
from pathlib import Path

import pytest
import requests

from tests.smoke.harness import ROOT, Process, free_port, settings_names, wait_until

# make run's $(BIN)/honcho; Procfile.dev names the programs of the same .venv.
HONCHO = ROOT / ".venv" / "bin" / "honcho"
MARK = "COMPASSION_RUN_TEST"
# honcho's five seconds of grace before SIGKILL, and some room for a loaded machine.
STOP_SECONDS = 20

pytestmark = [
    pytest.mark.skipif(not HONCHO.exists(), reason="needs make run's virtualenv in .venv"),
    pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes in /proc (Linux)"),
]


def marked_processes(mark: str) -> dict[int, str]:
    """The running processes whose environment carries ``mark``, with their command lines."""
    wanted = f"{MARK}={mark}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):  # ended meanwhile, or not ours to read
            continue
        if wanted in environ.split(b"\0") and state not in {"Z", "X"}:
            found[int(entry.name)] = command.replace(b"\0", b" ").decode(errors="replace").strip()
    return found


class MakeRun:
    """``honcho -f Procfile.dev start`` in a process group of its own, as a terminal runs it."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.mark = secrets.token_hex(8)
        # honcho also reads ./.env; a developer's must not point the test at their database.
        no_dotenv = tmp_path / "empty.env"
        no_dotenv.touch()
        env = {name: value for name, value in os.environ.items() if name not in settings_names()}
        env |= {
            "PORT": str(self.port),
            "VAR_DIR": str(tmp_path / "var"),
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            MARK: self.mark,
        }
        command = [str(HONCHO), "-f", "Procfile.dev", "--env", str(no_dotenv), "start"]
        self.honcho = Process("honcho", command, env=env, log_dir=tmp_path)

    @property
    def pid(self) -> int:
        return self.honcho.popen.pid

    def start(self) -> None:
        self.honcho.start()
        wait_until(self.web_answers, what="web to answer on /healthz", timeout=60)
        wait_until(lambda: self.up("worker.1", " ready."), what="the worker to be ready", timeout=60)
        wait_until(lambda: self.up("beat.1", "beat: Starting..."), what="beat to start", timeout=60)

    def web_answers(self) -> bool:
        assert self.honcho.running, f"honcho ended before all three were up:\n{self.honcho.tail(30)}"
        return requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=5).status_code == 200

    def up(self, process: str, text: str) -> bool:
        assert self.honcho.running, f"honcho ended before all three were up:\n{self.honcho.tail(30)}"
        return self.said(process, text)

    def said(self, process: str, text: str) -> bool:
        return any(process in line and text in line for line in self.honcho.stdout_lines())

    def wait_for_honcho_to_exit(self) -> int:
        return self.honcho.popen.wait(timeout=STOP_SECONDS)

    def processes_left(self, *, within: float) -> dict[int, str]:
        """Wait up to ``within`` seconds for the last marked process to end; return those still running."""
        deadline = time.monotonic() + within
        while (left := marked_processes(self.mark)) and time.monotonic() < deadline:
            time.sleep(0.1)
        return left

    def explain(self, left: dict[int, str]) -> str:
        still = "\n".join(f"  {pid}: {command}" for pid, command in sorted(left.items()))
        return f"still running:\n{still}\n{self.honcho.tail(30)}"

    def kill_everything(self) -> None:
        """SIGKILL to all that is left, wherever it went; the test's clean-up, pass or fail."""
        if self.honcho.popen is None:
            return
        for pid in marked_processes(self.mark):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.honcho.popen.wait(timeout=10)


@pytest.fixture
def make_run(tmp_path):
    run = MakeRun(tmp_path)
    try:
        run.start()
        yield run
    finally:
        run.kill_everything()


def ctrl_c(run: MakeRun) -> None:
    """What a terminal does on Ctrl-C: SIGINT to the foreground process group."""
    os.killpg(run.pid, signal.SIGINT)


def sigterm_to_honcho(run: MakeRun) -> None:
    os.kill(run.pid, signal.SIGTERM)


@pytest.mark.parametrize("interrupt", [ctrl_c, sigterm_to_honcho], ids=["ctrl-c", "sigterm-to-honcho"])
def test_interrupting_make_run_stops_web_worker_and_beat_and_leaves_no_process(make_run, interrupt):
    running = marked_processes(make_run.mark).values()
    for program in ("manage.py runserver", "compassion worker", "compassion beat"):
        assert any(program in command for command in running), running

    interrupt(make_run)

    make_run.wait_for_honcho_to_exit()
    left = make_run.processes_left(within=5)
    assert not left, make_run.explain(left)
    for process in ("web.1", "worker.1", "beat.1"):
        assert make_run.said("system", f"{process} stopped"), make_run.honcho.tail(30)


def test_the_worker_stops_by_itself_once_told_even_when_honcho_is_gone_before_its_sigkill(make_run):
    """The terminal closed, or honcho was killed, within its five seconds of grace: no one SIGKILLs the worker."""
    ctrl_c(make_run)
    wait_until(lambda: make_run.said("worker.1", "Warm shutdown"), what="the worker to start stopping", timeout=10)

    os.killpg(make_run.pid, signal.SIGKILL)

    left = make_run.processes_left(within=STOP_SECONDS)
    assert not left, make_run.explain(left)
