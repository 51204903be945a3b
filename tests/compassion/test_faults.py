"""The database goes away: every page answers a calm 503 with Retry-After, never a traceback.

Two ways: in this process, with the database connection refusing (as psycopg does when
PostgreSQL is down); and for real, in a separate process whose DATABASE_URL points at a port
where nothing listens (PostgreSQL) or a file that cannot be opened (SQLite).
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client
from django.urls import reverse

from cases import links
from reconciliation.models import Reflection
from tests.factories import full_case
from tests.referrals.test_public_form import referral_post

ROOT = Path(__file__).resolve().parents[2]
FRIENDLY = "Back in a few minutes"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_friendly_503(response) -> None:
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert FRIENDLY in body
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite", 'File "'):
        assert leak not in body


@pytest.fixture
def database_refuses(db):
    """Call it, and from then on every query fails as when the database server is down (until the test ends)."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    def down(error=refuse):
        connections["default"].cursor = error

    yield down
    vars(connections["default"]).pop("cursor", None)  # the class's own method again, before the database is reset


@pytest.fixture
def world(caseworker):
    case = full_case(caseworker=caseworker)
    _link, token = links.link_issue(participant=case.participants.get(role="customer"), by=None)
    staff = Client(raise_request_exception=False)
    staff.force_login(caseworker)
    return {"case": case, "token": token, "staff": staff, "visitor": Client(raise_request_exception=False)}


def test_a_staff_page_answers_503_when_the_database_refuses(world, database_refuses):
    database_refuses()

    for url in [reverse("cases:list"), world["case"].get_absolute_url(), reverse("reporting:dashboard")]:
        assert_friendly_503(world["staff"].get(url))


def test_a_staff_form_answers_503_and_the_page_says_to_send_it_again(world, database_refuses):
    database_refuses()

    response = world["staff"].post(reverse("cases:status", args=[world["case"].reference]), {"action": "pause"})

    assert_friendly_503(response)
    assert "send it again" in response.content.decode()


def test_a_portal_page_answers_503_when_the_database_refuses(world, database_refuses):
    database_refuses()

    assert_friendly_503(world["visitor"].get(reverse("portal:home", args=[world["token"]])))
    assert_friendly_503(
        world["visitor"].post(reverse("portal:reflection", args=[world["token"]]), {"what_happened": "x"})
    )


def test_logging_in_and_the_referral_form_answer_503_when_the_database_refuses(world, database_refuses):
    database_refuses()

    assert_friendly_503(world["visitor"].post(reverse("login"), {"username": "casey", "password": "whatever-1"}))
    assert_friendly_503(world["visitor"].post(reverse("referrals:refer"), referral_post()))


def test_a_dropped_connection_is_a_503_too(world, database_refuses):
    def dropped(*args, **kwargs):
        raise InterfaceError("connection already closed")

    database_refuses(dropped)

    assert_friendly_503(world["staff"].get(reverse("cases:list")))


def test_healthz_still_answers_in_json(world, database_refuses):
    database_refuses()

    response = world["visitor"].get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_any_other_error_is_the_plain_500_page(world, monkeypatch):
    from cases import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.selectors, "case_list", broken)

    response = world["staff"].get(reverse("cases:list"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Retry-After" not in response
    assert "a bug" not in response.content.decode()


def test_a_form_too_big_to_read_says_so_and_saves_nothing(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    url = reverse("portal:reflection", args=[world["token"]])

    response = world["visitor"].post(url, {"what_happened": "x" * 20_000})

    body = response.content.decode()
    assert response.status_code == 400
    assert "This could not be sent" in body
    assert "shorten what you wrote" in body
    assert f'href="/p/{world["token"]}/"' in body  # a way back to their own page
    assert not Reflection.objects.filter(case=world["case"]).exists()
    staff = world["staff"].post(reverse("casework:note_add", args=[world["case"].reference]), {"text": "x" * 20_000})
    assert staff.status_code == 400
    assert "This could not be sent" in staff.content.decode()


# ---------------------------------------------------------------- a real process, a real refusal

PROBE = """
import json, sys, django
django.setup()
from django.test import Client
visitor, staff = Client(raise_request_exception=False), Client(raise_request_exception=False)
staff.cookies["sessionid"] = "astaffmemberssessionkey012345678"  # shaped as Django makes them
referral = json.loads(sys.argv[1])
answers = {}
for client, method, url, data in [
    (visitor, "get", "/accounts/login/", None),
    (visitor, "post", "/accounts/login/", {"username": "casey", "password": "whatever-1"}),
    (staff, "get", "/cases/", None),
    (visitor, "get", "/p/a-personal-link-token-of-a-participant/", None),
    (visitor, "post", "/refer/", referral),
    (visitor, "get", "/healthz", None),
]:
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    answers[f"{method} {url}"] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode()[:3000],
    }
print(json.dumps(answers))
"""


@pytest.mark.parametrize(
    "database_url",
    [f"postgres://postgres@127.0.0.1:{closed_port()}/compassion", "sqlite:////nonexistent-folder/compassion.sqlite3"],
    ids=["postgresql-refuses", "sqlite-cannot-open"],
)
def test_a_process_whose_database_is_down_answers_503_on_every_page_that_needs_it(tmp_path, database_url):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ENV", "EMAIL_URL"}}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        VAR_DIR=str(tmp_path),
        LOG_FORMAT="plain",
        DJANGO_SETTINGS_MODULE="compassion.settings",
        CELERY_BROKER_URL="filesystem://",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PROBE, json.dumps(referral_post())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["get /accounts/login/"]["status"] == 200  # needs no database
    for request in [
        "post /accounts/login/",
        "get /cases/",
        "get /p/a-personal-link-token-of-a-participant/",
        "post /refer/",
    ]:
        answer = answers[request]
        assert (answer["status"], answer["retry_after"]) == (503, "60"), request
        assert FRIENDLY in answer["body"], request
        assert "Traceback" not in answer["body"], request
    assert answers["get /healthz"]["status"] == 503
    assert json.loads(answers["get /healthz"]["body"])["database"] == "error"


# ---------------------------------------------------------------- not found


def test_an_address_under_the_portal_that_is_no_page_gets_the_link_not_working_page(client, db):
    for path in ["/p/a/b/c/", "/p/%3Cscript%3E%2F/", "/p/x/reflection/extra/"]:
        response = client.get(path)

        assert response.status_code == 404, path
        assert "This link does not work any more" in response.content.decode(), path


def test_elsewhere_a_missing_page_is_the_plain_not_found_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_participants_503_is_in_the_portals_frame_with_the_contact_and_a_way_back(world, database_refuses):
    database_refuses()
    home = reverse("portal:home", args=[world["token"]])

    response = world["visitor"].get(reverse("portal:plan", args=[world["token"]]))

    assert_friendly_503(response)
    body = response.content.decode()
    assert f'href="{home}"' in body
    assert "555-0199" in body
    assert reverse("login") not in body


def test_a_participants_500_is_in_their_language_inside_the_portals_frame(world, monkeypatch):
    from cases.models import Participant
    from portal import views

    Participant.objects.filter(role="customer", case=world["case"]).update(preferred_language="es")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "_todo", broken)

    response = world["visitor"].get(reverse("portal:home", args=[world["token"]]))

    assert response.status_code == 500
    body = response.content.decode()
    assert 'lang="es"' in body
    assert "Algo salió mal" in body
    assert "Proyecto de Compasión con el Cliente" in body
    assert "a bug" not in body
