"""The Django admin lists every model with search, and never lets the timeline be edited."""

import pytest
from django.urls import reverse

from tests.factories import CaseEventFactory, UserFactory

MODELS = ["business", "incident", "case", "participant", "caseevent", "referencesequence"]


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_each_model_has_an_admin_list_with_search(admin_client, model, case):
    response = admin_client.get(reverse(f"admin:cases_{model}_changelist"), {"q": "x"})

    assert response.status_code == 200


def test_a_case_opens_in_the_admin_with_its_timeline_read_only(admin_client, case):
    CaseEventFactory(case=case, message="Spoke with the customer")

    response = admin_client.get(reverse("admin:cases_case_change", args=[case.pk]))

    assert response.status_code == 200
    assert "Spoke with the customer" in response.content.decode()


def test_timeline_events_cannot_be_changed_or_deleted_in_the_admin(admin_client, case):
    event = CaseEventFactory(case=case, message="Original")

    admin_client.post(reverse("admin:cases_caseevent_change", args=[event.pk]), {"message": "Rewritten"})
    admin_client.post(reverse("admin:cases_caseevent_delete", args=[event.pk]), {"post": "yes"})

    event.refresh_from_db()
    assert event.message == "Original"
