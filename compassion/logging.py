"""Structured logs: one line per event on stdout, with the request id and the case reference.

``LOG_FORMAT=json`` (the production default) writes one JSON object per line with
python-json-logger; ``plain`` (the development default) a readable line with the same context at
its end. Web requests (``compassion.middleware.RequestIdMiddleware``), Celery tasks
(``compassion.celery``) and gunicorn's access log all fill the same context, so one request id or
case reference finds every line about it.

Logs carry ids and references, never personal data: no names, e-mail addresses or text that
people wrote. Messages and tracebacks are passed through ``scrub()`` as a last safety net for
e-mail addresses that an exception message may contain.
"""

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from types import MappingProxyType

from pythonjsonlogger import json as jsonlogger

LOG_FORMATS = ("json", "plain")
CONTEXT_FIELDS = ("request_id", "case_reference", "task_id", "task_name")
_context: ContextVar[Mapping[str, str | None]] = ContextVar("log_context", default=MappingProxyType({}))

# Where gunicorn's access log finds the case a request was about (see RequestIdMiddleware).
CASE_REFERENCE_ENVIRON_KEY = "compassion.case_reference"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _merged(values: dict[str, str | None]) -> dict[str, str | None]:
    if unknown := values.keys() - set(CONTEXT_FIELDS):
        raise TypeError(f"Not a log context field: {', '.join(sorted(unknown))}")
    return {**_context.get(), **values}


@contextmanager
def log_context(**values: str | None) -> Iterator[None]:
    """Bind ``request_id``, ``case_reference``, ``task_id`` or ``task_name`` for the block."""
    token = _context.set(_merged(values))
    try:
        yield
    finally:
        _context.reset(token)


def set_log_context(**values: str | None) -> None:
    """Set context values until they are set again (a Celery task's, from prerun to postrun)."""
    _context.set(_merged(values))


def bind_case_reference(reference: str) -> None:
    """Say which case the current request or task is about: its log lines carry the reference."""
    set_log_context(case_reference=reference)


def current_context() -> dict[str, str]:
    """The context values that are set, for example to pass them on to a Celery task."""
    return {name: value for name, value in _context.get().items() if value is not None}


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
        context = _context.get()
        for name in CONTEXT_FIELDS:
            if getattr(record, name, None) is None:
                setattr(record, name, context.get(name))
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            atoms = record.args
            record.request_id = _atom(atoms, "{x-request-id}o")
            record.case_reference = _atom(atoms, f"{{{CASE_REFERENCE_ENVIRON_KEY}}}e")
            record.method = _atom(atoms, "m")
            record.path = _atom(atoms, "U")
            record.status = _int(_atom(atoms, "s"))
            record.duration_ms = _int(atoms.get("M"))
            record.bytes = _int(atoms.get("B"))
        return True


def _atom(atoms: Mapping, key: str) -> str | None:
    value = atoms.get(key)
    return None if value in (None, "-", "") else str(value)


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


class JsonFormatter(jsonlogger.JsonFormatter):
    """python-json-logger's line: time, level, logger, message, process, the context and extras.

    Every text is scrubbed. Fields without a value are left out, and so are objects passed with
    ``extra=`` (django.request's request, whose repr has the query string): only simple values.
    """

    def __init__(self) -> None:
        super().__init__(
            ["levelname", "name", "message", "process"],
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception", "stack_info": "stack"},
            timestamp="time",
        )

    def process_log_record(self, log_data: dict) -> dict:
        return {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in {"time": log_data.pop("time"), **log_data}.items()
            if isinstance(value, str | int | float | datetime)
        }


class PlainFormatter(logging.Formatter):
    """A readable line for development, with the context at its end."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{name}={value}" for name in CONTEXT_FIELDS if (value := getattr(record, name, None)) is not None
        )
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
