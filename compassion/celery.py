"""The one Celery app of the project.

Configuration comes from Django settings (names prefixed ``CELERY_``); tasks are
discovered in each installed app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compassion.settings")

app = Celery("compassion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
