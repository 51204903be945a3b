"""The admin shows questionnaires and who was asked, read-only, and never the answers."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["questionnaire", "questionnaireversion", "invitation", "researchconsent"])
def test_each_model_has_a_read_only_admin_list_with_search(client, questionnaire, model):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))

    response = client.get(reverse(f"admin:questionnaires_{model}_changelist"), {"q": "x"})

    assert response.status_code == 200
    assert client.get(reverse(f"admin:questionnaires_{model}_add")).status_code == 403


def test_the_admin_has_no_list_of_answers():
    from django.contrib import admin

    from questionnaires.models import Answer

    assert not admin.site.is_registered(Answer)
