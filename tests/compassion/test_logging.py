"""Logs are one JSON line per event, with the request id and case reference, and no personal data."""

import io
import json
import logging
import sys
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.glogging import SafeAtoms

from compassion import celery as compassion_celery
from compassion.logging import (
    ContextFilter,
    JsonFormatter,
    PlainFormatter,
    bind_case_reference,
    current_context,
    log_context,
    logging_config,
)
from tests.factories import CaseFactory, ParticipantFactory


@pytest.fixture
def json_lines():
    """Every line the root logger writes during the test, parsed, in the production format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def gunicorn_access_record(**atoms) -> logging.LogRecord:
    """The record gunicorn's access log writes, with the atoms it builds for a request."""
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s", None, None)
    record.args = SafeAtoms({"m": "GET", "U": "/cases/", "s": "200", "M": 12, "B": 5120, **atoms})
    return record


def format_json(record: logging.LogRecord) -> dict:
    ContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_request_gets_an_id_that_comes_back_in_the_response(caseworker_client):
    response = caseworker_client.get(reverse("cases:list"))

    assert len(response["X-Request-ID"]) == 32


def test_the_request_id_from_the_proxy_is_kept(caseworker_client):
    response = caseworker_client.get(reverse("cases:list"), HTTP_X_REQUEST_ID="8f14e45fceea167a5a36dedd4bea2543")

    assert response["X-Request-ID"] == "8f14e45fceea167a5a36dedd4bea2543"


def test_a_request_id_that_is_not_an_id_is_replaced(caseworker_client):
    response = caseworker_client.get(reverse("cases:list"), HTTP_X_REQUEST_ID='evil" injected\nline')

    assert response["X-Request-ID"] != 'evil" injected\nline'
    assert len(response["X-Request-ID"]) == 32


def test_a_request_about_a_case_logs_one_json_line_with_request_id_and_reference_and_no_personal_data(
    caseworker_client, caseworker, json_lines
):
    case = CaseFactory(caseworker=caseworker)
    ParticipantFactory(case=case, name="Alex Morgan", email="alex@example.com")

    # An illegal status change is refused with a 400, which Django logs.
    response = caseworker_client.post(reverse("cases:status", args=[case.reference]), {"action": "no-such-move"})

    assert response.status_code == 400
    [line] = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["case_reference"] == case.reference
    assert line["level"] == "WARNING"
    assert line["status_code"] == 400
    assert "Alex Morgan" not in json.dumps(json_lines())
    assert "alex@example.com" not in json.dumps(json_lines())


def test_the_context_ends_with_the_request(caseworker_client, caseworker):
    case = CaseFactory(caseworker=caseworker)

    caseworker_client.get(case.get_absolute_url())

    assert current_context() == {}


def test_gunicorn_access_line_has_path_status_request_id_and_case_but_not_the_query_string():
    record = gunicorn_access_record(
        U="/cases/CCP-2026-0001/",
        q="q=Alex+Morgan",
        **{"{x-request-id}o": "abc12345", "{compassion.case_reference}e": "CCP-2026-0001"},
    )

    line = format_json(record)

    assert line["method"] == "GET"
    assert line["path"] == "/cases/CCP-2026-0001/"
    assert line["status"] == 200
    assert line["duration_ms"] == 12
    assert line["request_id"] == "abc12345"
    assert line["case_reference"] == "CCP-2026-0001"
    assert "Alex" not in json.dumps(line)


def test_gunicorn_access_line_for_a_page_without_a_case_has_no_case_reference():
    line = format_json(gunicorn_access_record(**{"{x-request-id}o": "abc12345", "{compassion.case_reference}e": "-"}))

    assert "case_reference" not in line


def test_email_addresses_in_messages_and_tracebacks_are_masked():
    try:
        raise ValueError("duplicate key (email)=(alex.morgan@example.com)")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "for %s", ("ana@bakery.example",), sys.exc_info())

    line = format_json(record)

    assert line["message"] == "for [e-mail]"
    assert "alex.morgan@example.com" not in line["exception"]
    assert "[e-mail]" in line["exception"]


def test_a_json_line_has_time_level_logger_message_and_process():
    record = logging.LogRecord("cases", logging.INFO, __file__, 1, "case %s reassigned", ("CCP-2026-0007",), None)

    line = format_json(record)

    assert list(line)[:5] == ["time", "level", "logger", "message", "process"]
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)
    assert (line["level"], line["logger"], line["message"]) == ("INFO", "cases", "case CCP-2026-0007 reassigned")


class SearchRequest:
    def __repr__(self) -> str:
        return "<WSGIRequest: GET '/cases/?q=Alex+Morgan'>"


def test_simple_extras_are_kept_and_scrubbed_but_objects_such_as_the_request_are_left_out():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Bad Request", None, None)
    record.status_code = 400
    record.sender = "alex.morgan@example.com"
    record.request = SearchRequest()
    record.data = {"kwargs": "{'name': 'Alex Morgan'}"}

    line = format_json(record)

    assert line["status_code"] == 400
    assert line["sender"] == "[e-mail]"
    assert "request" not in line
    assert "data" not in line
    assert "Alex" not in json.dumps(line)


def test_email_addresses_in_a_stack_are_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "here", None, None, sinfo="  File x, ana@bakery.example")

    assert format_json(record)["stack"] == "  File x, [e-mail]"


def test_a_log_context_block_leaves_the_context_as_it_found_it():
    with log_context(request_id="abc12345"):
        bind_case_reference("CCP-2026-0007")
        with log_context(task_id="task-1"):
            assert current_context() == {
                "request_id": "abc12345",
                "case_reference": "CCP-2026-0007",
                "task_id": "task-1",
            }

    assert current_context() == {}


def test_a_misspelt_context_field_is_refused():
    with pytest.raises(TypeError, match="case_ref"), log_context(case_ref="CCP-2026-0007"):
        pass


def test_every_line_is_one_line_even_with_a_traceback():
    try:
        raise RuntimeError("first\nsecond")
    except RuntimeError:
        logger = logging.getLogger("compassion.test")
        record = logger.makeRecord("compassion.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    assert "\n" not in JsonFormatter().format(record)


def test_the_plain_format_puts_the_context_at_the_end_of_a_readable_line():
    record = logging.LogRecord("cases", logging.INFO, __file__, 1, "case reassigned", None, None)
    with log_context(request_id="abc12345"):
        bind_case_reference("CCP-2026-0007")
        ContextFilter().filter(record)

    line = PlainFormatter().format(record)

    assert line.endswith("INFO cases case reassigned [request_id=abc12345 case_reference=CCP-2026-0007]")


def test_production_logs_json_and_development_plain(settings):
    assert logging_config(log_format="json", level="INFO")["handlers"]["stdout"]["formatter"] == "json"
    assert settings.LOGGING["handlers"]["stdout"]["formatter"] == "plain"
    assert settings.LOGGING["handlers"]["stdout"]["stream"] == "ext://sys.stdout"


def test_a_task_queued_during_a_request_carries_its_request_id_and_case_to_the_worker(json_lines):
    headers: dict = {}
    with log_context(request_id="abc12345", case_reference="CCP-2026-0003"):
        compassion_celery.pass_log_context(headers=headers)
    task = SimpleNamespace(name="notifications.tasks.send_due_reminders", request=SimpleNamespace(**headers))

    compassion_celery.bind_task_context(task_id="task-1", task=task)
    logging.getLogger("notifications.tasks").warning("reminder failed")
    compassion_celery.unbind_task_context(task_id="task-1", task=task)

    [line] = [line for line in json_lines() if line["logger"] == "notifications.tasks"]
    assert line["task_id"] == "task-1"
    assert line["task_name"] == "notifications.tasks.send_due_reminders"
    assert line["request_id"] == "abc12345"
    assert line["case_reference"] == "CCP-2026-0003"
    assert current_context() == {}
