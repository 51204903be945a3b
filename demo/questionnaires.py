"""Demo questionnaires for ``manage.py seed_demo``, written for this program (no licensed instrument).

The customer is asked how they see the incident and the staff member; the staff member how
safe and respected they feel; the business how it sees the customer coming back. Each is
asked before and after, and at the check-ins, so that the reports page has before-and-after
figures to show.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.models import Case, Participant
from questionnaires import services
from questionnaires.models import (
    BEFORE_MOMENTS,
    Answer,
    Invitation,
    Moment,
    Questionnaire,
    QuestionnaireUse,
    ResearchConsent,
)
from questionnaires.services import QuestionDetails, QuestionnaireDetails
from reconciliation.models import RestorativeMeeting

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


# ---------------------------------------------------------------- answers of the generated cases

# How people of each role tend to answer a scale before and after, as a share of the scale's
# length (0: the low end, 1: the high end): the program's hoped-for change, with wide spread.
TENDENCY = {
    Participant.Role.CUSTOMER: (0.35, 0.7),
    Participant.Role.AGENT: (0.4, 0.65),
    Participant.Role.BUSINESS: (0.45, 0.7),
}
ANSWERED, SKIPPED = 0.7, 0.1  # of the people asked; the rest never got round to it
RESEARCH_YES, RESEARCH_NO = 0.8, 0.1  # of those who answered; the rest never said
GENERATED_ANSWERS_AT_MOST = 3000  # cases: enough for every figure, and seeding stays quick


def seed_demo_answers(rng, *, at_most: int = GENERATED_ANSWERS_AT_MOST) -> int:
    """Answers for generated cases (bulk inserts, which ask nobody): before, and after for those who got there.

    The newest ``at_most`` cases that nobody was asked in yet; returns how many people answered.
    """
    uses = {}
    for use in QuestionnaireUse.objects.filter(questionnaire__active=True).select_related("questionnaire"):
        uses.setdefault((use.role, use.moment), []).append(use.questionnaire)
    questions = {
        questionnaire.pk: list(services.published_version(questionnaire).questions.all())
        for found in uses.values()
        for questionnaire in found
    }
    cases = (
        Case.objects.exclude(Exists(Invitation.objects.filter(case=OuterRef("pk"))))
        .annotate(held=Exists(RestorativeMeeting.objects.filter(case=OuterRef("pk"), state="held")))
        .prefetch_related("participants")
        .order_by("-opened_at")[:at_most]
    )
    invitations, answers_of, consents = [], [], []
    answered_people = set()
    for case in cases:
        moments = {
            Participant.Role.CUSTOMER: [(Moment.BEFORE_REFLECTION, case.opened_at + timedelta(days=1))],
            Participant.Role.AGENT: [],
            Participant.Role.BUSINESS: [],
        }
        if case.step >= 2 or case.status == Case.Status.COMPLETED:
            for role in (Participant.Role.AGENT, Participant.Role.BUSINESS):
                moments[role].append((Moment.BEFORE_PLAN, case.opened_at + timedelta(days=8)))
        if case.status == Case.Status.COMPLETED and case.completed_at:
            moments[Participant.Role.CUSTOMER].append((Moment.AT_COMPLETION, case.completed_at))
        if case.held:
            for role in (Participant.Role.AGENT, Participant.Role.BUSINESS):
                moments[role].append((Moment.AFTER_MEETING, min(case.last_activity_at, timezone.now())))
        for person in case.participants.all():
            if not person.takes_part:
                continue
            for moment, when in moments.get(person.role, []):
                for questionnaire in uses.get((person.role, moment), []):
                    roll = rng.random()
                    state = "answered" if roll < ANSWERED else "skipped" if roll < ANSWERED + SKIPPED else "closed"
                    invitation = Invitation(
                        case=case,
                        participant=person,
                        questionnaire=questionnaire,
                        moment=moment,
                        opens_at=when,
                        state=state,
                        answered_at=when if state != "closed" else None,
                        version=services.published_version(questionnaire) if state == "answered" else None,
                    )
                    invitations.append(invitation)
                    if state == "answered":
                        answered_people.add(person)
                        answers_of.append((invitation, _answers(rng, person.role, moment, questions[questionnaire.pk])))
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    Answer.objects.bulk_create(
        [Answer(invitation=invitation, **values) for invitation, rows in answers_of for values in rows],
        batch_size=2000,
    )
    for person in answered_people:
        roll = rng.random()
        if roll < RESEARCH_YES + RESEARCH_NO:
            consents.append(ResearchConsent(participant=person, agreed=roll < RESEARCH_YES))
    ResearchConsent.objects.bulk_create(consents, batch_size=1000, ignore_conflicts=True)
    return len(answered_people)


def _answers(rng, role: str, moment: str, questions) -> list[dict]:
    """Plausible answers: most scales answered, a choice now and then, no free text (nobody's words made up)."""
    before, after = TENDENCY[role]
    centre = before if moment in BEFORE_MOMENTS else after
    rows = []
    for question in questions:
        if rng.random() < 0.1:  # left out
            continue
        if question.is_scale:
            low, high = question.scale_range
            value = round(low + (high - low) * min(1.0, max(0.0, rng.gauss(centre, 0.2))))
            rows.append({"question": question, "number": value})
        elif question.kind == "choice":
            count = len(question.choice_list("en"))
            leaning = centre if rng.random() < 0.7 else rng.random()
            rows.append({"question": question, "choice": min(count - 1, int(leaning * count))})
    return rows
