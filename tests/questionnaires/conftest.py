import pytest

from cases.models import Participant
from questionnaires import services
from questionnaires.models import Moment
from questionnaires.services import QuestionDetails, QuestionnaireDetails

SCALE = QuestionDetails(
    kind="scale_5",
    text="How well do you understand what the staff member went through?",
    text_es="¿Cuánto entiendes lo que vivió la persona del personal?",
    low_label="Not at all",
    low_label_es="Nada",
    high_label="Completely",
    high_label_es="Por completo",
)
CHOICE = QuestionDetails(
    kind="choice",
    text="Would you act the same way again?",
    text_es="¿Actuarías igual otra vez?",
    choices="Yes\nMaybe\nNo",
    choices_es="Sí\nQuizás\nNo",
)
TEXT = QuestionDetails(kind="text", text="Anything else?", text_es="¿Algo más?")


@pytest.fixture
def questionnaire(supervisor):
    """A published questionnaire for the customer before the reflection and at completion."""
    questionnaire = services.questionnaire_create(
        details=QuestionnaireDetails(
            title="How you see it",
            title_es="Cómo lo ves",
            uses=(
                (Participant.Role.CUSTOMER, Moment.BEFORE_REFLECTION),
                (Participant.Role.CUSTOMER, Moment.AT_COMPLETION),
            ),
        ),
        by=supervisor,
    )
    for details in (SCALE, CHOICE, TEXT):
        services.question_add(questionnaire=questionnaire, details=details, by=supervisor)
    services.version_publish(questionnaire=questionnaire, by=supervisor)
    return questionnaire
