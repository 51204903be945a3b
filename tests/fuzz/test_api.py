"""The API under random input: JSON bodies to every write, odd query strings to every read.

Never a server error; a refused write (any status but 200/201) changes no row.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from api import services
from api.models import Scope
from referrals.models import Referral

from .conftest import check, fuzz, one_example
from .strategies import NASTY, NONSENSE
from .world import snapshot

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        NONSENSE,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=6,
)
REFERRAL_FIELDS = [
    "writer", "name", "email", "phone", "contact_by", "business_name", "occurred_on", "location", "story",
    "police", "video_url", "language", "consent_contact", "consent_privacy",
]  # fmt: skip
PLAUSIBLE = {
    "writer": st.sampled_from(Referral.Writer.values),
    "contact_by": st.sampled_from(Referral.ContactBy.values),
    "police": st.sampled_from(Referral.Police.values),
    "email": st.just("someone@example.com"),
    "consent_contact": st.just(True),
    "consent_privacy": st.just(True),
    "language": st.sampled_from(["en", "es", "fr"]),
    "case": st.sampled_from(["CCP-2026-0001", "CCP-1999-0001"]),
    "send_reply": st.booleans(),
}


@st.composite
def bodies(draw, fields: list[str]):
    """A JSON body: plausible values, nonsense, any JSON, left out; sometimes not an object at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON_VALUES)
    body = {}
    for name in fields:
        choice = draw(st.integers(0, 3))
        if choice == 0:
            continue
        if choice == 1 and name in PLAUSIBLE:
            body[name] = draw(PLAUSIBLE[name])
        elif choice == 2:
            body[name] = draw(JSON_VALUES)
        else:
            body[name] = draw(NONSENSE)
    return body


def _client(user) -> Client:
    raw = services.token_create(user=user, name="Fuzz", scopes=list(Scope.values), days=30)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


WRITES = {
    "api:referrals": REFERRAL_FIELDS,
    "api:referral_decline": ["reason", "send_reply", "reply_message"],
    "api:referral_duplicate": ["case", "note"],
}


@pytest.mark.parametrize("name", sorted(WRITES))
@fuzz
@given(data=st.data())
def test_no_json_body_makes_an_api_write_fail_or_save_half(db, world, name, data):
    referral = Referral.objects.filter(state="new").values_list("pk", flat=True).first() or 1
    args = [] if name == "api:referrals" else [referral]
    body = data.draw(bodies(WRITES[name]), label="body")
    raw = data.draw(st.sampled_from(["json", "text", "broken"]), label="encoding")
    payload = {"json": json.dumps(body), "text": str(body), "broken": json.dumps(body)[:-1] or "{"}[raw]

    with one_example():
        client = _client(world.supervisor)
        before = snapshot()
        response = client.post(reverse(name, args=args), payload, content_type="application/json")
        if response.status_code not in (200, 201):
            check(response, before, may_change={"api.ApiToken"})
        else:
            check(response, before, may_change=set(before))


READS = ["api:cases", "api:referrals", "api:reports"]
PARAMETERS = st.sampled_from(
    ["q", "status", "step", "risk", "caseworker", "cursor", "page_size", "state", "start", "end"]
)


@pytest.mark.parametrize("name", READS)
@fuzz
@given(data=st.data())
def test_no_query_string_makes_an_api_read_fail(db, world, name, data):
    query = data.draw(st.dictionaries(PARAMETERS, st.one_of(NASTY, NONSENSE), max_size=4), label="query")

    with one_example():
        response = _client(world.supervisor).get(reverse(name), query)

    assert response.status_code < 500, query
