"""Personas of the API: a token of the caseworker, of another caseworker and of a supervisor."""

import pytest
from rest_framework.test import APIClient

from api import services
from api.models import Scope

ALL_SCOPES = list(Scope.values)


def make_token(user, scopes=None, days=90) -> str:
    return services.token_create(user=user, name="Test", scopes=scopes or ALL_SCOPES, days=days)[1]


def api_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def caseworker_api(caseworker):
    return api_client(make_token(caseworker))


@pytest.fixture
def outsider_api(outsider_caseworker):
    return api_client(make_token(outsider_caseworker))


@pytest.fixture
def supervisor_api(supervisor):
    return api_client(make_token(supervisor))
