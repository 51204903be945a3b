"""Settings of the in-process measurements: production's, with DEBUG off, e-mail kept in memory,
and the floor page added to the URLs (``bench/urls.py``). The app's own URLs are unchanged.

Used by ``bench/measure.py`` through ``DJANGO_SETTINGS_MODULE=bench.settings``; the load runs
(wrk) use the real production settings instead.
"""

from compassion.settings import *  # noqa: F403
from compassion.settings import BASE_DIR, LOGGING, REST_FRAMEWORK, TEMPLATES

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
# Every e-mail the dispatcher sends stays in django.core.mail.outbox.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The log lines of 200 requests a page would drown the table; warnings still show.
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["django"]["level"] = "WARNING"
# The API's case list is asked 220 times in a row with one token: throttled as in production,
# at a rate that lets the run through.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"token": "100000/minute"}
