"""deploy/: the example environment lists every setting; the process files agree with each other."""

import multiprocessing
import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def settings_read_from_the_environment() -> set[str]:
    source = (ROOT / "compassion" / "settings.py").read_text()
    return set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def test_the_example_environment_lists_every_setting_the_app_reads():
    example = (DEPLOY / "env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))

    missing = settings_read_from_the_environment() - listed

    assert not missing, f"Add these settings to deploy/env.example, with a comment: {sorted(missing)}"


def test_the_example_environment_sets_every_setting_production_requires():
    example = (DEPLOY / "env.example").read_text()

    for name in ("DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL"):
        assert re.search(rf"^{name}=.", example, flags=re.MULTILINE), name


def gunicorn_config(monkeypatch, **env: str) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_runs_two_workers_per_cpu_plus_one_behind_a_local_proxy(monkeypatch):
    config = gunicorn_config(monkeypatch)

    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["timeout"] == 30
    assert config["accesslog"] == "-"
    assert "%(q)s" not in config["access_log_format"]


def test_gunicorn_workers_bind_and_timeout_come_from_the_environment(monkeypatch):
    config = gunicorn_config(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_BIND="0.0.0.0:9000", GUNICORN_TIMEOUT="60")

    assert (config["workers"], config["bind"], config["timeout"]) == (3, ["0.0.0.0:9000"], 60)


def test_the_procfile_has_web_worker_and_beat():
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    processes = dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))

    assert set(processes) == {"web", "worker", "beat"}
    assert processes["web"].startswith("gunicorn --config deploy/gunicorn.conf.py")


@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_each_systemd_unit_reads_the_environment_file_and_runs_its_procfile_command(process):
    unit = (DEPLOY / f"compassion-{process}.service").read_text()
    procfile = dict(
        line.split(": ", 1) for line in (DEPLOY / "Procfile").read_text().splitlines() if line and line[0] != "#"
    )

    assert "EnvironmentFile=/etc/compassion/env" in unit
    [exec_start] = re.findall(r"^ExecStart=/srv/compassion/\.venv/bin/(.*)$", unit, flags=re.MULTILINE)
    assert exec_start.startswith(procfile[process])
