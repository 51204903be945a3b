"""A missing or wrong production setting stops each process with one clear line, not a traceback."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """Complete production settings; the database and broker are ports nobody listens on."""
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret",
        "ALLOWED_HOSTS": "cases.pli.example",
        "DATABASE_URL": f"postgres://pli:s3cret-password@127.0.0.1:{closed_port()}/compassion",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{closed_port()}/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SMS_URL": "twilio://AC0000:token@api.twilio.com/?from=%2B12125550100",
        "VAR_DIR": str(tmp_path),
    }


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    settings_names = {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL"}
    base = {key: value for key, value in os.environ.items() if key not in settings_names}
    return subprocess.run(  # noqa: S603 - our own programs with fixed arguments
        command, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60, check=False
    )


def without(env: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in env.items() if key != name}


MANAGE = [sys.executable, "manage.py"]
GUNICORN = [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind", "127.0.0.1:0"]
WORKER = [str(BIN / "celery"), "--app", "compassion", "--quiet", "worker", "--pool", "solo"]
BEAT = [str(BIN / "celery"), "--app", "compassion", "--quiet", "beat"]


def stderr_lines(result: subprocess.CompletedProcess) -> list[str]:
    # Celery warns on stderr when run as root (as CI does); that warning is not ours.
    return [line for line in result.stderr.splitlines() if line.startswith("compassion:")]


@pytest.mark.parametrize(
    "command", [MANAGE + ["check"], GUNICORN, WORKER, BEAT], ids=["manage", "gunicorn", "worker", "beat"]
)
def test_a_missing_secret_key_stops_start_up_with_one_line_naming_it(production_env, command):
    result = run(command, without(production_env, "SECRET_KEY"))

    assert result.returncode != 0
    assert stderr_lines(result) == [
        "compassion: DJANGO_ENV=production needs these environment variables set: SECRET_KEY."
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command", [MANAGE + ["migrate"], GUNICORN, WORKER, BEAT], ids=["migrate", "gunicorn", "worker", "beat"]
)
def test_a_database_url_that_does_not_connect_stops_start_up_with_one_line_naming_it(production_env, command):
    result = run(command, production_env)

    assert result.returncode != 0
    [line] = stderr_lines(result)
    assert line.startswith("compassion: DATABASE_URL does not connect (postgresql://127.0.0.1:")
    assert "Connection refused" in line
    assert "s3cret-password" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_an_invalid_log_format_is_named(production_env):
    result = run(MANAGE + ["check"], {**production_env, "LOG_FORMAT": "xml"})

    assert stderr_lines(result) == ["compassion: LOG_FORMAT must be one of json, plain, not 'xml'."]


def test_other_errors_keep_their_traceback():
    result = run(MANAGE + ["shell", "-c", "raise RuntimeError('a bug, not a setting')"], {"DJANGO_ENV": "development"})

    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "RuntimeError: a bug, not a setting" in result.stderr
