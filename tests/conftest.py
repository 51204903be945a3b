"""Personas and shared fixtures. Factories live in tests/factories.py."""

import pytest
from django.core.cache import cache

from .factories import CaseFactory, CaseworkerFactory, SupervisorFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_tasks_run_in_the_test():
    """A task queued by the code under test (on commit) runs at once, in the test: never through a broker."""
    from compassion.celery import app

    before, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_the_test(monkeypatch, tmp_path):
    """Files kept on cases go to a folder of each test, never to var/ (the field read its storage
    from the settings at start-up, as in production)."""
    from django.core.files.storage import FileSystemStorage

    from casework.models import Attachment

    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "files"))


@pytest.fixture
def caseworker(db):
    return CaseworkerFactory(username="casey")


@pytest.fixture
def outsider_caseworker(db):
    """A caseworker who holds none of the cases in a test."""
    return CaseworkerFactory(username="outsider")


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(username="sam")


@pytest.fixture
def case(caseworker):
    return CaseFactory(caseworker=caseworker)


@pytest.fixture
def caseworker_client(client, caseworker):
    client.force_login(caseworker)
    return client


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture(autouse=True)
def _texts_stay_in_memory(settings):
    """Texts go to ``notifications.sms.outbox``, emptied for each test, as Django does with e-mail."""
    from notifications import sms

    settings.SMS_BACKEND = "notifications.sms.backends.locmem.SmsBackend"
    settings.SMS_ENABLED = True
    sms.outbox.clear()
    yield
    sms.outbox.clear()
