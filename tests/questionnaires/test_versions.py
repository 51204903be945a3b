"""A supervisor defines questionnaires; a published version never changes, answers keep theirs."""

import pytest

from cases.models import Participant
from cases.services import WorkflowError
from questionnaires import services
from questionnaires.models import Answer, Invitation, Moment, Question, QuestionnaireVersion
from questionnaires.services import AnswerValue, QuestionDetails, QuestionnaireDetails
from tests.factories import CaseFactory

from .conftest import SCALE

pytestmark = pytest.mark.django_db


def _invitation(questionnaire, moment=Moment.BEFORE_REFLECTION):
    case = CaseFactory()
    customer = case.participants.get(role=Participant.Role.CUSTOMER)
    return Invitation.objects.create(case=case, participant=customer, questionnaire=questionnaire, moment=moment)


def test_a_new_questionnaire_starts_with_a_draft_that_nobody_is_asked(supervisor):
    questionnaire = services.questionnaire_create(details=QuestionnaireDetails(title="Before"), by=supervisor)
    services.question_add(questionnaire=questionnaire, details=SCALE, by=supervisor)

    assert services.published_version(questionnaire) is None
    assert services.latest_version(questionnaire).number == 1


def test_a_caseworker_cannot_define_a_questionnaire(caseworker):
    with pytest.raises(WorkflowError, match="Only a supervisor"):
        services.questionnaire_create(details=QuestionnaireDetails(title="Mine"), by=caseworker)


def test_a_questionnaire_without_questions_cannot_be_published(supervisor):
    questionnaire = services.questionnaire_create(details=QuestionnaireDetails(title="Empty"), by=supervisor)

    with pytest.raises(WorkflowError, match="at least one question"):
        services.version_publish(questionnaire=questionnaire, by=supervisor)


def test_changing_a_published_question_makes_a_new_draft_and_leaves_the_published_one_as_it_was(
    questionnaire, supervisor
):
    published = services.published_version(questionnaire)
    first = published.questions.first()

    changed = services.question_change(
        question=first,
        details=QuestionDetails(**{**SCALE.__dict__, "text": "How well do you understand them now?"}),
        by=supervisor,
    )

    assert changed.version.number == 2
    assert not changed.version.is_published
    assert changed.key == first.key  # the same question, for before and after
    first.refresh_from_db()
    assert first.text == SCALE.text
    assert services.published_version(questionnaire) == published
    assert changed.version.questions.count() == 3


def test_further_changes_go_into_the_same_draft(questionnaire, supervisor):
    question = services.published_version(questionnaire).questions.first()
    services.question_change(question=question, details=SCALE, by=supervisor)
    services.question_add(questionnaire=questionnaire, details=SCALE, by=supervisor)
    services.question_remove(question=question, by=supervisor)

    assert QuestionnaireVersion.objects.filter(questionnaire=questionnaire).count() == 2
    assert services.latest_version(questionnaire).questions.count() == 3


def test_publishing_the_draft_makes_it_the_version_people_are_asked(questionnaire, supervisor):
    services.question_add(questionnaire=questionnaire, details=SCALE, by=supervisor)
    version = services.version_publish(questionnaire=questionnaire, by=supervisor)

    assert services.published_version(questionnaire) == version
    assert version.number == 2
    with pytest.raises(WorkflowError, match="no draft"):
        services.version_publish(questionnaire=questionnaire, by=supervisor)


def test_answers_keep_the_version_they_were_given_on(questionnaire, supervisor):
    invitation = _invitation(questionnaire)
    version_1 = services.published_version(questionnaire)
    scale = version_1.questions.get(kind=Question.Kind.SCALE_5)
    services.invitation_answer(
        invitation=invitation,
        version=version_1,
        answers=[AnswerValue(question_id=scale.pk, number=4)],
        share_with_caseworker=False,
        by=invitation.participant,
    )
    services.question_change(
        question=scale, details=QuestionDetails(**{**SCALE.__dict__, "text": "New words"}), by=supervisor
    )
    services.version_publish(questionnaire=questionnaire, by=supervisor)

    invitation.refresh_from_db()
    answer = invitation.answers.get()
    assert invitation.version == version_1
    assert answer.question.text == SCALE.text
    assert answer.number == 4


def test_an_answer_out_of_range_is_refused_and_nothing_is_kept(questionnaire):
    invitation = _invitation(questionnaire)
    version = services.published_version(questionnaire)
    scale, choice = version.questions.order_by("position")[:2]

    for value in (AnswerValue(question_id=scale.pk, number=6), AnswerValue(question_id=choice.pk, choice=3)):
        with pytest.raises(WorkflowError):
            services.invitation_answer(
                invitation=invitation,
                version=version,
                answers=[value],
                share_with_caseworker=True,
                by=invitation.participant,
            )

    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.OPEN
    assert not Answer.objects.exists()


def test_an_answer_to_a_question_of_another_version_is_refused(questionnaire, supervisor):
    invitation = _invitation(questionnaire)
    version_1 = services.published_version(questionnaire)
    services.question_add(questionnaire=questionnaire, details=SCALE, by=supervisor)
    version_2 = services.version_publish(questionnaire=questionnaire, by=supervisor)
    question_of_2 = version_2.questions.exclude(key__in=version_1.questions.values("key")).get()

    with pytest.raises(WorkflowError, match="another version"):
        services.invitation_answer(
            invitation=invitation,
            version=version_1,
            answers=[AnswerValue(question_id=question_of_2.pk, number=3)],
            share_with_caseworker=False,
            by=invitation.participant,
        )
    assert not Answer.objects.exists()


def test_any_question_can_be_left_out_and_the_whole_questionnaire_skipped(questionnaire):
    answered, skipped = _invitation(questionnaire), _invitation(questionnaire)
    version = services.published_version(questionnaire)

    services.invitation_answer(
        invitation=answered,
        version=version,
        answers=[AnswerValue(question_id=q.pk) for q in version.questions.all()],
        share_with_caseworker=False,
        by=answered.participant,
    )
    services.invitation_skip(invitation=skipped, by=skipped.participant)

    answered.refresh_from_db()
    skipped.refresh_from_db()
    assert answered.state == Invitation.State.ANSWERED
    assert not answered.answers.exists()
    assert skipped.state == Invitation.State.SKIPPED
    with pytest.raises(WorkflowError, match="skip"):
        services.invitation_answer(
            invitation=skipped, version=version, answers=[], share_with_caseworker=False, by=skipped.participant
        )


def test_nobody_answers_someone_elses_questionnaire(questionnaire):
    invitation, other = _invitation(questionnaire), _invitation(questionnaire)

    with pytest.raises(WorkflowError, match="not yours"):
        services.invitation_skip(invitation=invitation, by=other.participant)


@pytest.mark.parametrize(
    ("details", "message"),
    [
        (QuestionDetails(kind="scale_10", text="How safe?"), "label at each end"),
        (QuestionDetails(kind="choice", text="Which?", choices="Only one"), "between 2 and"),
        (QuestionDetails(kind="choice", text="Which?", choices="A\nB", choices_es="A"), "as many as"),
        (QuestionDetails(kind="text", text="  "), "write the question"),
        (QuestionDetails(kind="essay", text="Tell us"), "kind of question"),
    ],
)
def test_a_question_that_cannot_be_asked_is_refused(supervisor, details, message):
    questionnaire = services.questionnaire_create(details=QuestionnaireDetails(title="T"), by=supervisor)

    with pytest.raises(WorkflowError, match=message):
        services.question_add(questionnaire=questionnaire, details=details, by=supervisor)
    assert not Question.objects.exists()


def test_who_is_asked_and_when_can_change_without_a_new_version(questionnaire, supervisor):
    services.questionnaire_update(
        questionnaire=questionnaire,
        details=QuestionnaireDetails(title="How you see it", uses=((Participant.Role.AGENT, Moment.CHECKIN_30),)),
        by=supervisor,
    )

    assert list(questionnaire.uses.values_list("role", "moment")) == [("agent", "checkin_30")]
    assert questionnaire.versions.count() == 1
