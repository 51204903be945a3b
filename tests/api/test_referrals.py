"""Referrals through the API: sent as the public form sends them; listed and decided by supervisors."""

import pytest
from django.urls import reverse

from api.models import Scope
from referrals.models import Referral
from tests.factories import CaseFactory, ReferralFactory

from .conftest import api_client, make_token

pytestmark = pytest.mark.django_db

REFERRAL = {
    "writer": "business",
    "name": "Dana Owner",
    "email": "dana@example.com",
    "contact_by": "email",
    "business_name": "Sunrise Coffee",
    "story": "A customer shouted at our cashier.",
    "police": "no",
    "consent_contact": True,
    "consent_privacy": True,
}


def test_a_referral_sent_with_a_token_is_received_like_one_from_the_form(caseworker_api, mailoutbox):
    response = caseworker_api.post(reverse("api:referrals"), {**REFERRAL, "language": "es"}, format="json")

    assert response.status_code == 201
    referral = Referral.objects.get()
    assert response.json() == {"id": referral.pk, "state": "new", "submitted_at": response.json()["submitted_at"]}
    assert referral.language == "es"
    assert referral.name == "Dana Owner"


def test_a_referral_with_field_errors_says_which_fields(caseworker_api):
    response = caseworker_api.post(
        reverse("api:referrals"), {**REFERRAL, "email": "", "consent_privacy": False, "police": "maybe"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "consent_privacy", "police"}
    assert not Referral.objects.exists()


def test_a_referral_with_odd_json_is_a_field_error_not_a_500(caseworker_api):
    response = caseworker_api.post(
        reverse("api:referrals"), {**REFERRAL, "name": ["a"], "occurred_on": 7, "extra": 1}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"name", "occurred_on", "__all__"}


def test_referrals_are_limited_per_token_with_the_forms_message(caseworker_api, settings):
    settings.REFERRAL_RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert caseworker_api.post(reverse("api:referrals"), REFERRAL, format="json").status_code == 201

    response = caseworker_api.post(reverse("api:referrals"), REFERRAL, format="json")

    assert response.status_code == 429
    assert "Please try again in an hour" in response.json()["detail"]
    assert Referral.objects.count() == 2


def test_a_token_without_the_referrals_scope_cannot_send_one(caseworker):
    client = api_client(make_token(caseworker, scopes=[Scope.READ_CASES]))

    assert client.post(reverse("api:referrals"), REFERRAL, format="json").status_code == 403


def test_a_supervisor_lists_new_referrals_and_a_caseworker_gets_a_404(supervisor_api, caseworker_api):
    referral = ReferralFactory()
    ReferralFactory(state=Referral.State.DECLINED, decided_at=referral.submitted_at)

    body = supervisor_api.get(reverse("api:referrals")).json()

    assert [row["id"] for row in body["results"]] == [referral.pk]
    assert caseworker_api.get(reverse("api:referrals")).status_code == 404
    assert caseworker_api.get(reverse("api:referral", args=[referral.pk])).status_code == 404
    assert supervisor_api.get(reverse("api:referrals"), {"state": "lost"}).status_code == 400


def test_a_supervisor_declines_a_referral_and_cannot_decide_it_twice(supervisor_api):
    referral = ReferralFactory()
    url = reverse("api:referral_decline", args=[referral.pk])

    response = supervisor_api.post(url, {"reason": "Not our program."}, format="json")

    assert response.status_code == 200
    assert response.json()["state"] == "declined"
    again = supervisor_api.post(url, {"reason": "Again."}, format="json")
    assert again.status_code == 409
    assert "already marked declined" in again.json()["detail"]


def test_declining_without_a_reason_is_a_field_error(supervisor_api):
    referral = ReferralFactory()

    response = supervisor_api.post(reverse("api:referral_decline", args=[referral.pk]), {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_a_supervisor_marks_a_referral_as_a_duplicate_of_a_case(supervisor_api, caseworker):
    referral = ReferralFactory()
    case = CaseFactory(caseworker=caseworker)
    url = reverse("api:referral_duplicate", args=[referral.pk])

    assert supervisor_api.post(url, {"case": "CCP-1999-0001"}, format="json").status_code == 400
    response = supervisor_api.post(url, {"case": case.reference, "note": "Same shop."}, format="json")

    assert response.status_code == 200
    assert response.json()["case"] == case.reference
