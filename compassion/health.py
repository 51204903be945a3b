"""``/healthz``: is this web process able to work? For load balancers, monitors and the smoke test.

200 when the database answers and the broker accepts a connection, 503 otherwise; the body
says which: ``{"database": "ok", "broker": "error"}``. No login, nothing cached, nothing
about cases or people.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .celery import app as celery_app

logger = logging.getLogger(__name__)

# A monitor calls often and a stuck check must not hold a web worker: give up after this.
BROKER_TIMEOUT_SECONDS = 2


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        logger.warning("healthz: the database does not answer: %s", _first_line(error))
        return "error"
    return "ok"


def broker_state() -> str:
    timeouts = {"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS}
    try:
        with celery_app.connection_for_write(
            connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=timeouts
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        logger.warning("healthz: the broker does not answer: %s", _first_line(error))
        return "error"
    return "ok"


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    state = {"database": database_state(), "broker": broker_state()}
    healthy = all(value == "ok" for value in state.values())
    return JsonResponse(state, status=200 if healthy else 503)
