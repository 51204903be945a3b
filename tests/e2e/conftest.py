"""End-to-end tests: Debian's Chromium driven by Playwright against Django's live server.

Run with `make e2e` (they are left out of `make test`). Playwright's own browser download is
not used: the tests launch /usr/bin/chromium (Debian's package `chromium`).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# A 1280x900 window zoomed to 200%: the page lays itself out in 640x450 CSS pixels.
ZOOMED = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """On SQLite, the browser tests' database is a file, as under `make run`: an in-memory test
    database shares one cache between the live server's threads and answers two requests writing
    at once (a double click) with "database table is locked", where a file in WAL mode waits."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e-db") / "test.sqlite3")


@pytest.fixture(autouse=True, scope="session")
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests
    make between browser steps are still plain synchronous code. Only for these tests."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def open_page(browser, live_server):
    """Open a fresh browser context (its own cookies), on a desktop or phone-sized screen."""
    contexts = []

    def make(*, phone: bool = False, zoomed: bool = False):
        screen = PHONE if phone else ZOOMED if zoomed else DESKTOP
        context = browser.new_context(base_url=live_server.url, **screen)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
