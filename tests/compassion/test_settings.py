"""Production settings come from the environment and refuse to start without secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret",
    "ALLOWED_HOSTS": "cases.pli.example",
    "DATABASE_URL": "postgres://pli@db.example:5432/compassion",
    "CELERY_BROKER_URL": "redis://redis.example:6379/0",
    "EMAIL_URL": "smtp://mailer.example:587",
    "SMS_URL": "twilio://AC0000:token@api.twilio.com/?from=%2B12125550100",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_required_setting(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = manage("check", **env)

    assert result.returncode != 0
    assert f"needs these environment variables set: {missing}" in result.stderr


def test_production_refuses_to_start_with_texts_on_and_no_gateway():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SMS_URL"}

    refused = manage("check", **env)
    texts_off = manage("check", **env, SMS_ENABLED="false")

    assert refused.returncode != 0
    assert "set SMS_URL (the gateway), or SMS_ENABLED=false" in refused.stderr
    assert texts_off.returncode == 0, texts_off.stderr


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_development_default_needs_no_environment():
    result = manage("check", DJANGO_ENV="development")

    assert result.returncode == 0, result.stderr
