"""The supervisors' questionnaire pages: list, define, change (into a new draft), publish."""

import pytest
from django.urls import reverse

from questionnaires import services
from questionnaires.models import Question, Questionnaire

pytestmark = pytest.mark.django_db


def test_a_caseworker_does_not_see_the_questionnaire_pages(caseworker_client, questionnaire):
    assert caseworker_client.get(reverse("questionnaires:list")).status_code == 404
    assert caseworker_client.get(reverse("questionnaires:detail", args=[questionnaire.pk])).status_code == 404


def test_a_supervisor_defines_a_questionnaire_for_moments_and_roles(supervisor_client):
    response = supervisor_client.post(
        reverse("questionnaires:new"),
        {
            "title": "After the meeting",
            "title_es": "Después del encuentro",
            "uses": ["agent:after_meeting", "business:after_meeting"],
            "active": "on",
        },
    )

    questionnaire = Questionnaire.objects.get()
    assert response.status_code == 302
    assert sorted(questionnaire.uses.values_list("role", flat=True)) == ["agent", "business"]

    supervisor_client.post(
        reverse("questionnaires:question_add", args=[questionnaire.pk]),
        {
            "kind": "scale_10",
            "text": "How safe did you feel?",
            "low_label": "Not safe",
            "high_label": "Completely safe",
        },
    )
    supervisor_client.post(reverse("questionnaires:publish", args=[questionnaire.pk]))

    page = supervisor_client.get(reverse("questionnaires:detail", args=[questionnaire.pk])).content.decode()
    assert "Version 1 is asked" in page
    assert "How safe did you feel?" in page
    assert "No Spanish yet" in page


def test_a_question_missing_its_labels_is_refused_and_what_was_typed_stays(supervisor_client, questionnaire):
    response = supervisor_client.post(
        reverse("questionnaires:question_add", args=[questionnaire.pk]),
        {"kind": "scale_5", "text": "How calm do you feel now?"},
    )

    assert response.status_code == 400
    assert "label at each end" in response.content.decode()
    assert 'value="How calm do you feel now?"' in response.content.decode()
    assert services.latest_version(questionnaire).number == 1  # nothing changed, no draft made


def test_changing_a_published_question_on_its_page_says_a_new_draft_was_made(supervisor_client, questionnaire):
    question = services.published_version(questionnaire).questions.get(kind="text")

    response = supervisor_client.post(
        reverse("questionnaires:question_edit", args=[question.pk]),
        {"kind": "text", "text": "Is there anything else you would like us to know?"},
        follow=True,
    )

    assert "new draft version" in response.content.decode()
    assert Question.objects.get(pk=question.pk).text == "Anything else?"
    assert services.latest_version(questionnaire).questions.filter(text__startswith="Is there").exists()


def test_the_list_shows_each_questionnaire_in_a_fixed_number_of_queries(
    supervisor_client, questionnaire, supervisor, django_assert_max_num_queries
):
    for number in range(10):
        services.questionnaire_create(details=services.QuestionnaireDetails(title=f"Q{number}"), by=supervisor)

    with django_assert_max_num_queries(8):
        response = supervisor_client.get(reverse("questionnaires:list"))
    assert "How you see it" in response.content.decode()
