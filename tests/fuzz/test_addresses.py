"""Every address of the project under odd input: never a 500.

For each page of the access matrix that answers a GET, hypothesis draws odd query strings
(far and boundary dates, huge integers, unicode digits, NUL, text from every plane), odd path
segments in place of each part of the address (a reference, an id, a token), and odd cookies
(the language, the session, the CSRF token). The page is asked by the persona it is for: the
supervisor for staff pages, the participant's own link for the portal.
"""

from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.compassion.test_access_matrix import MATRIX, World

from .conftest import fuzz, one_example
from .strategies import ANY_TEXT, NASTY

ODD = st.sampled_from(
    [
        "²",
        "١٢٣",
        "୧୨",
        "99999999999999999999999999",
        "-1",
        "0",
        "1e309",
        "\x00",
        "a\x00b",
        "9999-12-31",
        "0001-01-01",
        "10000-01-01",
        "9999-12-31T22:00",
        "2026-02-30",
        "%00",
        "..",
        "😀",
        "",
        " ",
        "CCP-2026-0001\x00",
        "CCP-9999-99999999999999",
    ]
)
PARAMETERS = st.sampled_from(
    ["page", "before", "q", "start", "end", "caseworker", "step", "status", "risk", "sort", "language", "next"]
)
GET_PAGES = sorted(name for name, row in MATRIX.items() if row.method == "get" and name != "logout")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def _address(world: World, name: str) -> tuple[Client, str, dict[str, str]]:
    """A client of the persona the page is for, the page's path, and its parts by value."""
    row = MATRIX[name]
    kwargs = {key: getattr(world, value, value) for key, value in row.kwargs.items()}
    client = Client()
    if row.role:
        kwargs["token"] = world.token(world.case, row.role)
    else:
        client.force_login(world.supervisor)
    return client, reverse(name, kwargs=kwargs), {key: str(value) for key, value in kwargs.items()}


def _read(response) -> None:
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("name", GET_PAGES)
@fuzz
@given(data=st.data())
def test_no_query_string_path_segment_or_cookie_makes_a_page_fail(db, world, name, data):
    client, path, parts = _address(world, name)
    for part in parts.values():
        if data.draw(st.booleans(), label=f"replace {part}"):
            odd = data.draw(st.one_of(ODD, NASTY, ANY_TEXT), label="segment")
            path = path.replace(f"/{part}/", f"/{quote(odd, safe='')}/", 1)
    query = data.draw(
        st.dictionaries(st.one_of(PARAMETERS, ANY_TEXT), st.one_of(ODD, NASTY, ANY_TEXT), max_size=4), label="query"
    )
    for cookie in (django_settings.LANGUAGE_COOKIE_NAME, django_settings.SESSION_COOKIE_NAME, "csrftoken"):
        if data.draw(st.booleans(), label=f"odd {cookie}"):
            # A server hands the cookie header over as bytes read as latin-1 (PEP 3333).
            client.cookies[cookie] = data.draw(st.one_of(ODD, ANY_TEXT), label=cookie).encode().decode("latin-1")

    with one_example():
        response = client.get(path, query)
        _read(response)

    assert response.status_code < 500, (path, query)
