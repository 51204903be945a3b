"""Demo questionnaires for ``manage.py seed_demo``, written for this program (no licensed instrument).

The customer is asked how they see the incident and the staff member; the staff member how
safe and respected they feel; the business how it sees the customer coming back. Each is
asked before and after, and at the check-ins, so that the reports page has before-and-after
figures to show.
"""

from cases.models import Participant
from questionnaires import services
from questionnaires.models import Moment, Questionnaire
from questionnaires.services import QuestionDetails, QuestionnaireDetails

CUSTOMER, AGENT, BUSINESS = Participant.Role.CUSTOMER, Participant.Role.AGENT, Participant.Role.BUSINESS
CHECKINS = (Moment.CHECKIN_30, Moment.CHECKIN_90, Moment.CHECKIN_180)
NOT_AT_ALL, NADA = "Not at all", "Nada"

ANYTHING_ELSE = QuestionDetails(
    kind="text",
    text="Is there anything else you would like us to know?",
    text_es="¿Hay algo más que quieras contarnos?",
)

DEMO_QUESTIONNAIRES = [
    (
        QuestionnaireDetails(
            title="How you see it now",
            title_es="Cómo lo ves ahora",
            intro="Five short questions about how you see what happened. Answer only what you want to; "
            "every question can be left out.",
            intro_es="Cinco preguntas breves sobre cómo ves lo que pasó. Responde solo lo que quieras; "
            "puedes dejar cualquier pregunta sin responder.",
            uses=((CUSTOMER, Moment.BEFORE_REFLECTION), (CUSTOMER, Moment.AT_COMPLETION))
            + tuple((CUSTOMER, moment) for moment in CHECKINS),
        ),
        [
            QuestionDetails(
                kind="scale_5",
                text="How well do you understand what the staff member was going through that day?",
                text_es="¿Cuánto entiendes lo que estaba viviendo la persona que te atendió ese día?",
                low_label=NOT_AT_ALL,
                low_label_es=NADA,
                high_label="Completely",
                high_label_es="Por completo",
            ),
            QuestionDetails(
                kind="scale_5",
                text="How much of what happened do you see as your part?",
                text_es="¿Qué parte de lo que pasó ves como tuya?",
                low_label="None of it",
                low_label_es="Ninguna",
                high_label="All of my part",
                high_label_es="Toda mi parte",
            ),
            QuestionDetails(
                kind="scale_10",
                text="If something went wrong at a shop tomorrow, how sure are you that you would stay calm?",
                text_es="Si mañana algo saliera mal en una tienda, ¿cuánta confianza tienes en mantener la calma?",
                low_label="Not sure at all",
                low_label_es="Ninguna",
                high_label="Completely sure",
                high_label_es="Total",
            ),
            QuestionDetails(
                kind="choice",
                text="When you think of the staff member now, what comes first?",
                text_es="Cuando piensas ahora en esa persona, ¿qué sientes primero?",
                choices="Anger\nNothing much\nRegret for what they went through\nGratitude",
                choices_es="Enojo\nNada en especial\nPena por lo que vivió\nGratitud",
            ),
            ANYTHING_ELSE,
        ],
    ),
    (
        QuestionnaireDetails(
            title="How you are doing",
            title_es="Cómo estás",
            intro="A few questions about how you are doing at work. You do not have to answer any of them, "
            "and your answers are never shown to the customer.",
            intro_es="Unas preguntas sobre cómo estás en el trabajo. No tienes que responder ninguna, "
            "y el cliente nunca ve tus respuestas.",
            uses=((AGENT, Moment.BEFORE_PLAN), (AGENT, Moment.AFTER_MEETING)) + tuple((AGENT, m) for m in CHECKINS),
        ),
        [
            QuestionDetails(
                kind="scale_5",
                text="How safe do you feel at work?",
                text_es="¿Cuánta seguridad sientes en el trabajo?",
                low_label="Not safe at all",
                low_label_es="Ninguna",
                high_label="Completely safe",
                high_label_es="Total",
            ),
            QuestionDetails(
                kind="scale_5",
                text="How respected do you feel by the customers you serve?",
                text_es="¿Cuánto respeto sientes de parte de los clientes que atiendes?",
                low_label=NOT_AT_ALL,
                low_label_es="Ninguno",
                high_label="Very much",
                high_label_es="Mucho",
            ),
            QuestionDetails(
                kind="scale_10",
                text="How far have you been able to put the incident behind you?",
                text_es="¿Cuánto has podido dejar atrás lo que pasó?",
                low_label=NOT_AT_ALL,
                low_label_es=NADA,
                high_label="Completely",
                high_label_es="Por completo",
            ),
            QuestionDetails(
                kind="choice",
                text="Would you be willing to hear from the customer again?",
                text_es="¿Te gustaría volver a saber del cliente?",
                choices="Yes\nMaybe, through PLI\nNo",
                choices_es="Sí\nQuizás, a través de PLI\nNo",
            ),
            ANYTHING_ELSE,
        ],
    ),
    (
        QuestionnaireDetails(
            title="The business's view",
            title_es="La mirada del negocio",
            intro="Three questions for the business. Skip any you prefer not to answer.",
            intro_es="Tres preguntas para el negocio. Sáltate las que prefieras no responder.",
            uses=((BUSINESS, Moment.BEFORE_PLAN), (BUSINESS, Moment.AFTER_MEETING), (BUSINESS, Moment.CHECKIN_180)),
        ),
        [
            QuestionDetails(
                kind="scale_5",
                text="How comfortable would you be to have this customer back in your business?",
                text_es="¿Qué tan a gusto estarías si este cliente volviera a tu negocio?",
                low_label=NOT_AT_ALL,
                low_label_es=NADA,
                high_label="Completely",
                high_label_es="Totalmente",
            ),
            QuestionDetails(
                kind="scale_5",
                text="How supported does your team feel after the incident?",
                text_es="¿Qué tan apoyado se siente tu equipo después de lo que pasó?",
                low_label=NOT_AT_ALL,
                low_label_es=NADA,
                high_label="Fully supported",
                high_label_es="Muy apoyado",
            ),
            ANYTHING_ELSE,
        ],
    ),
]


def seed_demo_questionnaires(supervisor) -> list[Questionnaire]:
    """The demo questionnaires, published; run again, it changes nothing."""
    made = []
    for details, questions in DEMO_QUESTIONNAIRES:
        questionnaire = Questionnaire.objects.filter(title=details.title).first()
        if questionnaire is None:
            questionnaire = services.questionnaire_create(details=details, by=supervisor)
            for question in questions:
                services.question_add(questionnaire=questionnaire, details=question, by=supervisor)
            services.version_publish(questionnaire=questionnaire, by=supervisor)
        made.append(questionnaire)
    return made
