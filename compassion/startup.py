"""Start-up checks: a missing or wrong setting stops a process with one clear line.

Production start-up fails for two reasons a person can fix: a setting that is missing or
invalid (``compassion/settings.py`` raises ImproperlyConfigured naming it), and a
DATABASE_URL that does not connect. Either one is written to stderr as a single line
starting with ``compassion:``, and the process exits non-zero, instead of thirty lines of
traceback. Where each process checks:

- ``manage.py`` and the ``celery`` command: ``install_excepthook()``, because Celery reads
  the settings while it parses its own command line, before any of its signals;
- gunicorn: ``deploy/gunicorn.conf.py`` calls ``settings_or_exit()`` and, in its
  ``on_starting`` hook, ``database_or_exit()``;
- Celery worker and beat: ``database_or_exit()`` on ``worker_init`` / ``beat_init``.
"""

import sys
from types import TracebackType
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

EXIT_STATUS = 2


def exit_with(message: str) -> NoReturn:
    sys.stdout.flush()
    print(f"compassion: {message}", file=sys.stderr, flush=True)
    raise SystemExit(EXIT_STATUS)


def settings_problem(error: BaseException) -> str | None:
    """The message of a settings error that stopped the settings from loading, else None."""
    if isinstance(error, ImproperlyConfigured) and not settings.configured:
        return str(error)
    return None


def settings_or_exit() -> None:
    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as error:
        exit_with(str(error))


def database_problem(alias: str = "default") -> str | None:
    """Why the database does not connect, in one line naming DATABASE_URL, or None when it does."""
    connection = connections[alias]
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return f"DATABASE_URL does not connect ({_where(connection.settings_dict)}): {reason}"
    finally:
        # Forked processes (gunicorn's workers) must not share this connection.
        connection.close()
    return None


def database_or_exit() -> None:
    if problem := database_problem():
        exit_with(problem)


def _where(database: dict) -> str:
    """The database's address without its user name or password."""
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"sqlite {database['NAME']}"
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"{engine}://{host}{port}/{database['NAME']}"


def install_excepthook() -> None:
    """Print a start-up error that nobody caught as one line instead of a traceback."""
    if getattr(sys.excepthook, "compassion", False):
        return
    previous = sys.excepthook

    def excepthook(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
        message = settings_problem(error)
        if message is None and isinstance(error, DatabaseError) and settings.configured:
            # Only blame DATABASE_URL when a fresh connection fails too.
            message = database_problem()
        if message is None:
            previous(kind, error, traceback)
        else:
            sys.stdout.flush()
            print(f"compassion: {message}", file=sys.stderr, flush=True)

    excepthook.compassion = True  # type: ignore[attr-defined]
    sys.excepthook = excepthook
