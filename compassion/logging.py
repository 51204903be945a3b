"""Structured logs: one line per event on stdout, with the request id and the case reference.

``LOG_FORMAT=json`` (the production default) writes one JSON object per line; ``plain``
(the development default) a readable line with the same context at its end. Web requests
(``compassion.middleware.RequestIdMiddleware``), Celery tasks (``compassion.celery``) and
gunicorn's access log all fill the same context, so one request id or case reference finds
every line about it.

Logs carry ids and references, never personal data: no names, e-mail addresses or text that
people wrote. Messages and tracebacks are passed through ``scrub()`` as a last safety net for
e-mail addresses that an exception message may contain.
"""

import json
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

LOG_FORMATS = ("json", "plain")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_case_reference: ContextVar[str | None] = ContextVar("case_reference", default=None)
_task_id: ContextVar[str | None] = ContextVar("task_id", default=None)
_task_name: ContextVar[str | None] = ContextVar("task_name", default=None)
_CONTEXT = {
    "request_id": _request_id,
    "case_reference": _case_reference,
    "task_id": _task_id,
    "task_name": _task_name,
}

# Where gunicorn's access log finds the case a request was about (see RequestIdMiddleware).
CASE_REFERENCE_ENVIRON_KEY = "compassion.case_reference"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@contextmanager
def log_context(**values: str | None) -> Iterator[None]:
    """Bind ``request_id``, ``case_reference``, ``task_id`` or ``task_name`` for the block."""
    tokens = [(_CONTEXT[name], _CONTEXT[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)


def set_log_context(**values: str | None) -> None:
    """Set context values until they are set again (a Celery task's, from prerun to postrun)."""
    for name, value in values.items():
        _CONTEXT[name].set(value)


def bind_case_reference(reference: str) -> None:
    """Say which case the current request or task is about: its log lines carry the reference."""
    _case_reference.set(reference)


def current_context() -> dict[str, str]:
    """The context values that are set, for example to pass them on to a Celery task."""
    return {name: value for name, variable in _CONTEXT.items() if (value := variable.get()) is not None}


def scrub(text: str) -> str:
    """Mask e-mail addresses: logs must not carry personal data, even in an exception message."""
    return _EMAIL.sub("[e-mail]", text)


class ContextFilter(logging.Filter):
    """Put the current context on every record, for either format.

    gunicorn writes its access line after the request has left Django, from the atoms it
    passes as the record's arguments: the request id is the response's X-Request-ID header,
    the case reference an entry of the WSGI environ. Only the path is kept, never the query
    string (a search for a customer's name would otherwise land in the log).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        for name, variable in _CONTEXT.items():
            if getattr(record, name, None) is None:
                setattr(record, name, variable.get())
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            atoms = record.args
            record.request_id = _atom(atoms, "{x-request-id}o")
            record.case_reference = _atom(atoms, f"{{{CASE_REFERENCE_ENVIRON_KEY}}}e")
            record.http = {
                "method": _atom(atoms, "m"),
                "path": _atom(atoms, "U"),
                "status": _int(_atom(atoms, "s")),
                "duration_ms": _int(atoms.get("M")),
                "bytes": _int(atoms.get("B")),
            }
        return True


def _atom(atoms: Mapping, key: str) -> str | None:
    value = atoms.get(key)
    return None if value in (None, "-", "") else str(value)


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# Attributes every LogRecord has; anything else on a record was passed with ``extra=``.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "http",
    *_CONTEXT,
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the context that is set."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "process": record.process,
        }
        for name in _CONTEXT:
            if (value := getattr(record, name, None)) is not None:
                entry[name] = value
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            entry.update({key: value for key, value in http.items() if value is not None})
        for name, value in vars(record).items():
            # Simple values passed with extra= (django.request's status_code, say); objects
            # such as the request itself are left out.
            if name not in _RECORD_ATTRIBUTES and isinstance(value, str | int | float | bool):
                entry.setdefault(name, scrub(value) if isinstance(value, str) else value)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.stack_info:
            entry["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(entry, default=str)


class PlainFormatter(logging.Formatter):
    """A readable line for development, with the context at its end."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(f"{name}={value}" for name in _CONTEXT if (value := getattr(record, name, None)) is not None)
        if context:
            first, newline, rest = line.partition("\n")
            line = f"{first} [{context}]{newline}{rest}"
        return scrub(line)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for Django, Celery (worker and beat) and gunicorn's master alike.

    Everything goes through the root logger's one handler on stdout: Django's and gunicorn's
    own handlers would print a second, differently formatted copy.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "compassion.logging.ContextFilter"}},
        "formatters": {
            "json": {"()": "compassion.logging.JsonFormatter"},
            "plain": {"()": "compassion.logging.PlainFormatter"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": log_format,
                "filters": ["context"],
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
            "gunicorn.access": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }
