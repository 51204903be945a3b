"""Personal API tokens: made on the account's tokens page, shown once, hashed, scoped, expiring, revocable."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from api.authentication import PerTokenThrottle
from api.models import ApiToken, Scope
from api.services import token_hash

from .conftest import api_client, make_token

pytestmark = pytest.mark.django_db


def test_a_caseworker_makes_a_token_that_is_shown_once_and_kept_only_as_a_hash(caseworker_client, caseworker):
    response = caseworker_client.post(
        reverse("api:tokens"), {"name": "CRM sync", "scopes": [Scope.READ_CASES], "days": "30"}
    )

    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("ccp_")
    token = ApiToken.objects.get(user=caseworker)
    assert token.token_hash == token_hash(raw)
    assert raw not in str(ApiToken.objects.values().get())
    assert token.scopes == [Scope.READ_CASES]
    assert (token.expires_at - timezone.now()).days in (29, 30)
    # Shown once: the page opened again does not show it.
    assert raw not in caseworker_client.get(reverse("api:tokens")).content.decode()


def test_a_token_without_a_name_or_a_scope_is_refused_and_what_was_typed_stays(caseworker_client):
    response = caseworker_client.post(reverse("api:tokens"), {"name": "My script", "days": "30"})

    assert response.status_code == 400
    assert "Choose at least one thing the token may do." in response.content.decode()
    assert 'value="My script"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_account_page_leads_to_the_tokens(caseworker_client):
    assert reverse("api:tokens") in caseworker_client.get(reverse("accounts:security")).content.decode()


def test_a_token_opens_the_api_and_a_wrong_or_missing_one_does_not(caseworker, case):
    raw = make_token(caseworker)

    assert api_client(raw).get(reverse("api:cases")).status_code == 200
    assert api_client(raw + "x").get(reverse("api:cases")).status_code == 401
    missing = api_client("").get(reverse("api:cases"))
    assert missing.status_code == 401
    assert missing.json()["detail"]


def test_a_token_does_only_what_its_scopes_allow(caseworker, case):
    client = api_client(make_token(caseworker, scopes=[Scope.WRITE_REFERRALS]))

    response = client.get(reverse("api:cases"))

    assert response.status_code == 403
    assert "cases:read" in response.json()["detail"]


def test_an_expired_token_is_refused_with_what_to_do(caseworker, case):
    raw = make_token(caseworker, days=30)

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = api_client(raw).get(reverse("api:cases"))

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_stops_at_once(caseworker_client, caseworker, case):
    raw = make_token(caseworker)
    token = ApiToken.objects.get(user=caseworker)

    response = caseworker_client.post(reverse("api:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert api_client(raw).get(reverse("api:cases")).json()["detail"] == "This token was revoked."


def test_nobody_revokes_another_caseworkers_token(client, caseworker, outsider_caseworker):
    make_token(caseworker)
    token = ApiToken.objects.get(user=caseworker)
    client.force_login(outsider_caseworker)

    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_deactivated_staff_members_token_stops(caseworker, case):
    raw = make_token(caseworker)
    caseworker.is_active = False
    caseworker.save()

    assert api_client(raw).get(reverse("api:cases")).status_code == 401


def test_the_token_remembers_when_it_was_last_used(caseworker, case):
    raw = make_token(caseworker)

    api_client(raw).get(reverse("api:cases"))

    assert ApiToken.objects.get().last_used_at is not None


def test_each_token_has_its_own_limit_of_requests_a_minute(caseworker, outsider_caseworker, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    cache.clear()
    busy, other = api_client(make_token(caseworker)), api_client(make_token(outsider_caseworker))
    for _ in range(3):
        assert busy.get(reverse("api:cases")).status_code == 200

    refused = busy.get(reverse("api:cases"))

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "detail" in refused.json()
    assert other.get(reverse("api:cases")).status_code == 200
