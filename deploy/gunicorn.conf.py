"""gunicorn settings for the web process: ``gunicorn --config deploy/gunicorn.conf.py``.

Every value can be changed from the environment (deploy/env.example lists them). The same
checks as the other processes run first: a missing setting or a DATABASE_URL that does not
connect stops gunicorn with one line on stderr, before it binds its port.
"""

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compassion.settings")

from django.conf import settings  # noqa: E402 - needs the path above

from compassion import startup  # noqa: E402

startup.settings_or_exit()

wsgi_app = "compassion.wsgi:application"
chdir = str(ROOT)
proc_name = "compassion-web"

# Behind a proxy on the same machine by default; GUNICORN_BIND=0.0.0.0:8000 when the proxy
# is elsewhere (then keep the port closed to anything but the proxy).
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Sync workers: 2 per CPU plus 1 is gunicorn's advice for an app that waits on its database.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request taking longer than this kills its worker (and logs it); the proxy's read
# timeout should be a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle a worker now and then so that a slow leak never grows.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory rather than on a possibly slow disk.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - a folder gunicorn writes nothing secret to
if SHARED_MEMORY.is_dir():
    worker_tmp_dir = str(SHARED_MEMORY)

# Logs: gunicorn's own lines and one access line per request, through Django's LOGGING (one
# JSON object per line on stdout in production). The access line has the method, the path
# (never the query string), the status, the duration, the request id and the case reference.
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(M)sms"
logconfig_dict = settings.LOGGING


def on_starting(server) -> None:
    startup.database_or_exit()
