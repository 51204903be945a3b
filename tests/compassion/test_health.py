"""/healthz: 200 when database and broker answer, 503 naming the one that does not."""

import socket

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from compassion.celery import app as celery_app

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{closed_port()}/0")


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)


def test_healthz_answers_200_when_database_and_broker_are_up(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_broker_is_down(client, broker_down):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error"}


def test_healthz_answers_503_when_the_database_is_down(client, database_down):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "error", "broker": "ok"}


def test_healthz_refuses_to_change_anything(client):
    assert client.post(reverse("healthz")).status_code == 405
