"""Fuzz tests: hypothesis posts random, unicode, huge and empty input to every form.

Each test module builds one world (the demo's cases and a few more states) in a transaction
that is rolled back at its end; each example runs in a savepoint that is rolled back after it.
``FUZZ_EXAMPLES`` (default 25) sets the examples per form.
"""

import os
from contextlib import contextmanager

import pytest
from django.contrib.messages import constants, get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings

from .world import World, broken_rows, build_world, snapshot

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
settings.register_profile(
    "fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the working tree; a failure prints how to reproduce it
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
fuzz = settings(settings.get_profile("fuzz"))


def is_test_database(name: str) -> bool:
    return str(name).startswith("test_") or "memorydb" in str(name) or "mode=memory" in str(name)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        # Tests that use the world also ask for `db`; without it pytest-django would set up no test database.
        assert is_test_database(connection.settings_dict["NAME"]), "the fuzz tests need the `db` fixture"
        yield build_world()
        transaction.set_rollback(True)


def refused(response) -> bool:
    """The form said no: an error status, or an error message for the next page."""
    if response.status_code >= 400:
        return True
    request = getattr(response, "wsgi_request", None)
    return request is not None and any(m.level >= constants.ERROR for m in get_messages(request))


@contextmanager
def one_example():
    """A savepoint rolled back afterwards, with no rate-limit counts left from other examples."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def check(response, before: dict, *, may_change: set[str] = frozenset()) -> None:
    """Never a server error; a refused post changes nothing (but ``may_change``); no post leaves a broken row."""
    assert response.status_code < 500, response.status_code
    if refused(response):
        after = snapshot()
        changed = sorted(label for label in before if before[label] != after[label] and label not in may_change)
        assert changed == [], f"a refused post ({response.status_code}) changed rows of {changed}"
    if not refused(response) or may_change:
        assert broken_rows() == []


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
