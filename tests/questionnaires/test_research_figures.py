"""Figures and the research export: only people who agreed to research, no cell from under RESEARCH_MIN_CELL."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Participant
from questionnaires import research, services
from questionnaires.models import Invitation, Moment, Question
from questionnaires.services import AnswerValue
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def answer(participant, questionnaire, moment, **values):
    invitation, _created = Invitation.objects.get_or_create(
        case=participant.case, participant=participant, questionnaire=questionnaire, moment=moment
    )
    version = services.published_version(questionnaire)
    questions = {q.kind: q for q in version.questions.all()}
    services.invitation_answer(
        invitation=invitation,
        version=version,
        answers=[
            AnswerValue(question_id=questions["scale_5"].pk, number=values.get("scale")),
            AnswerValue(question_id=questions["choice"].pk, choice=values.get("choice")),
            AnswerValue(question_id=questions["text"].pk, text=values.get("text", "")),
        ],
        share_with_caseworker=False,
        by=participant,
    )


def customers(questionnaire, count, *, research=True, before=2, after=4, caseworker=None):
    people = []
    for _number in range(count):
        case = CaseFactory(**({"caseworker": caseworker} if caseworker else {}))
        person = case.participants.get(role=Participant.Role.CUSTOMER)
        if research is not None:
            services.research_consent_record(participant=person, agreed=research, by=person)
        answer(person, questionnaire, Moment.BEFORE_REFLECTION, scale=before, choice=0, text="My own words")
        answer(person, questionnaire, Moment.AT_COMPLETION, scale=after, choice=2, text="More of my words")
        people.append(person)
    return people


def test_the_reports_page_shows_the_change_before_and_after_by_role_with_the_number_of_people(
    supervisor_client, questionnaire, django_assert_max_num_queries
):
    customers(questionnaire, 5, before=2, after=4)
    customers(questionnaire, 3, research=False, before=5, after=1)  # no yes to research: not counted

    with django_assert_max_num_queries(30):
        page = supervisor_client.get(reverse("reporting:reports")).content.decode()

    changes = research.before_after(Case.objects.all(), since=LONG_AGO, until=timezone.now() + timedelta(days=1))
    assert [(c.role, c.people, c.before, c.after, c.change) for c in changes] == [("customer", 5, 2.0, 4.0, 2.0)]
    assert "How well do you understand" in page
    assert "+2.0" in page


def test_a_figure_from_fewer_people_than_the_minimum_is_suppressed_with_a_note(supervisor_client, questionnaire):
    customers(questionnaire, 4)

    page = supervisor_client.get(reverse("reporting:reports")).content.decode()

    assert "Fewer than 5 people: not shown" in page
    assert "+2.0" not in page


def test_the_minimum_comes_from_the_settings(supervisor_client, questionnaire, settings):
    settings.RESEARCH_MIN_CELL = 2
    customers(questionnaire, 2)

    assert "+2.0" in supervisor_client.get(reverse("reporting:reports")).content.decode()


def _export(client) -> list[dict]:
    response = client.get(reverse("reporting:export_research_answers"))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_no_answer_without_consent_reaches_the_export(supervisor_client, questionnaire):
    agreed = customers(questionnaire, 5)
    declined = customers(questionnaire, 2, research=False)
    never_asked = customers(questionnaire, 2, research=None)

    rows = _export(supervisor_client)

    people = {row["person"] for row in rows}
    assert len(people) == 5
    assert len(rows) == 5 * 2 * 2  # two moments, a scale and a choice each; no free text
    assert all(row["answer"] for row in rows)
    assert "My own words" not in str(rows)
    for person in declined + never_asked:  # they answered: their answers serve their case only
        assert Invitation.objects.filter(participant=person, state="answered").count() == 2
    assert all(row["case"].startswith("R-") and row["person"].startswith("P-") for row in rows)
    assert {row["role"] for row in rows} == {"customer"}
    assert {row["moment"] for row in rows} == {"before_reflection", "at_completion"}
    assert agreed


def test_taking_back_a_yes_removes_the_answers_from_later_exports(supervisor_client, questionnaire):
    people = customers(questionnaire, 6)
    assert len({row["person"] for row in _export(supervisor_client)}) == 6

    services.research_consent_record(participant=people[0], agreed=False, by=people[0])

    assert len({row["person"] for row in _export(supervisor_client)}) == 5


def test_an_export_cell_from_fewer_people_than_the_minimum_is_suppressed(supervisor_client, questionnaire):
    customers(questionnaire, 3)

    rows = _export(supervisor_client)

    assert rows
    assert all(row["answer"] == "" for row in rows)
    assert all(row["note"].startswith("Fewer than 5 people") for row in rows)


def test_the_same_question_across_versions_pairs_before_and_after(questionnaire, supervisor):
    people = customers(questionnaire, 0)
    scale = services.published_version(questionnaire).questions.get(kind=Question.Kind.SCALE_5)
    for _number in range(5):
        case = CaseFactory()
        person = case.participants.get(role="customer")
        services.research_consent_record(participant=person, agreed=True, by=person)
        answer(person, questionnaire, Moment.BEFORE_REFLECTION, scale=1)
        people.append(person)
    services.question_change(
        question=scale,
        details=services.QuestionDetails(
            kind="scale_5", text="Reworded", low_label="Not at all", high_label="Completely"
        ),
        by=supervisor,
    )
    services.version_publish(questionnaire=questionnaire, by=supervisor)
    for person in people:
        answer(person, questionnaire, Moment.AT_COMPLETION, scale=3)

    changes = research.before_after(Case.objects.all(), since=LONG_AGO, until=timezone.now() + timedelta(days=1))
    assert [(c.question, c.people, c.change) for c in changes] == [("Reworded", 5, 2.0)]
