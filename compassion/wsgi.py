"""WSGI entry point, used by gunicorn: ``gunicorn compassion.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compassion.settings")

application = get_wsgi_application()
