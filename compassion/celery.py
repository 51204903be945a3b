"""The one Celery app of the project.

Configuration comes from Django settings (names prefixed ``CELERY_``); tasks are
discovered in each installed app's ``tasks.py``.

Worker and beat log through Django's LOGGING (one JSON line per event in production); a
task's lines carry its id and name, and the request id and case reference of the web
request that queued it.
"""

import logging.config
import os

from celery import Celery, signals

from . import startup
from .logging import current_context, set_log_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compassion.settings")

# `celery worker|beat` reads the settings while parsing its command line: a missing
# production setting must show as one line there too.
startup.install_excepthook()

app = Celery("compassion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Message headers that carry the web request's log context to the task.
_CONTEXT_HEADERS = {"request_id": "compassion_request_id", "case_reference": "compassion_case_reference"}


@signals.setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Celery configures no logging of its own: Django's LOGGING, same format as the web."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.captureWarnings(True)


@signals.worker_init.connect
@signals.beat_init.connect
def check_database(**kwargs) -> None:
    startup.database_or_exit()


@signals.before_task_publish.connect
def pass_log_context(headers: dict | None = None, **kwargs) -> None:
    if headers is None:
        return
    context = current_context()
    for name, header in _CONTEXT_HEADERS.items():
        if name in context:
            headers.setdefault(header, context[name])


@signals.task_prerun.connect
def bind_task_context(task_id: str | None = None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    set_log_context(
        task_id=task_id,
        task_name=getattr(task, "name", None),
        **{name: getattr(request, header, None) for name, header in _CONTEXT_HEADERS.items()},
    )


@signals.task_postrun.connect
def unbind_task_context(**kwargs) -> None:
    set_log_context(task_id=None, task_name=None, request_id=None, case_reference=None)
