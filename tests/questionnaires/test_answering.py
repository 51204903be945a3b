"""Answering through the personal link: at the right moment, optional, never asked twice, reminded once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases import links
from cases.models import CaseEvent, Participant
from cases.services import case_change_status, event_record
from notifications.models import Reminder
from questionnaires import services
from questionnaires.models import Answer, Invitation, Moment, Question
from questionnaires.services import QuestionDetails, QuestionnaireDetails
from reconciliation import services as program
from tests.factories import full_case
from tests.reconciliation.journey import walk_to_plan

from .conftest import SCALE

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(caseworker, questionnaire):
    """A case just opened: its timeline's first line opens the moments that have come."""
    case = full_case(caseworker=caseworker)
    event_record(case=case, kind=CaseEvent.Kind.OPENED, message="Case opened.", by=caseworker)
    return case


@pytest.fixture
def staff_questionnaire(supervisor):
    questionnaire = services.questionnaire_create(
        details=QuestionnaireDetails(
            title="How you are doing",
            uses=(
                (Participant.Role.AGENT, Moment.BEFORE_PLAN),
                (Participant.Role.BUSINESS, Moment.BEFORE_PLAN),
            ),
        ),
        by=supervisor,
    )
    services.question_add(questionnaire=questionnaire, details=SCALE, by=supervisor)
    services.question_add(
        questionnaire=questionnaire, details=QuestionDetails(kind="text", text="Anything?"), by=supervisor
    )
    services.version_publish(questionnaire=questionnaire, by=supervisor)
    return questionnaire


def person(case, role) -> Participant:
    return case.participants.get(role=role)


def page_of(case, role, page="questions") -> str:
    _link, token = links.link_issue(participant=person(case, role), by=None)
    return reverse(f"portal:{page}", kwargs={"token": token})


def _fields(invitation) -> dict:
    version = services.published_version(invitation.questionnaire)
    questions = {q.kind: q for q in version.questions.all()}
    return version, questions


def test_the_customer_is_asked_before_the_reflection_once_the_case_opens(case):
    invitation = Invitation.objects.get()
    reminder = Reminder.objects.get(kind=Reminder.Kind.QUESTIONNAIRE)

    assert invitation.participant == person(case, "customer")
    assert invitation.moment == Moment.BEFORE_REFLECTION
    assert reminder.participant == invitation.participant
    assert reminder.due_at > timezone.now() + timedelta(days=2)


def test_the_customer_answers_on_their_page_and_the_program_goes_on(client, case):
    home = page_of(case, "customer", "home")
    assert "A few questions for you" in client.get(home).content.decode()
    page = home.replace("/p/", "/p/", 1) + "questions/"
    version, questions = _fields(Invitation.objects.get())

    shown = client.get(page).content.decode()
    assert "How well do you understand" in shown
    assert "Skip these questions" in shown
    response = client.post(
        page,
        {
            "version": version.pk,
            f"q{questions['scale_5'].pk}": "4",
            f"q{questions['text'].pk}": "I see her side now.",
            "send": "",
        },
        follow=True,
    )

    invitation = Invitation.objects.get()
    assert "Your answers are saved" in response.content.decode()
    assert invitation.state == Invitation.State.ANSWERED
    assert set(Answer.objects.values_list("number", "text")) == {(None, "I see her side now."), (4, "")}
    assert Reminder.objects.get(kind=Reminder.Kind.QUESTIONNAIRE).state == Reminder.State.CANCELLED
    assert case.events.filter(kind=CaseEvent.Kind.QUESTIONNAIRE, to_value="answered").exists()
    assert "A few questions for you" not in client.get(home).content.decode()


def test_skipping_is_one_button_and_the_same_moment_is_never_asked_again(client, case, caseworker):
    page = page_of(case, "customer")

    response = client.post(page, {"skip": ""}, follow=True)
    event_record(case=case, kind=CaseEvent.Kind.OPENED, message="Again.", by=caseworker)

    assert "we will not ask these questions again" in response.content.decode()
    assert Invitation.objects.get().state == Invitation.State.SKIPPED
    assert Invitation.objects.count() == 1
    assert "There are no questions waiting for you" in client.get(page).content.decode()
    assert not Answer.objects.exists()


def test_every_question_can_be_left_out(client, case):
    version, _questions = _fields(Invitation.objects.get())

    client.post(page_of(case, "customer"), {"version": version.pk, "send": ""})

    invitation = Invitation.objects.get()
    assert invitation.state == Invitation.State.ANSWERED
    assert not invitation.answers.exists()


def test_an_answer_out_of_range_is_refused_and_what_was_typed_stays(client, case):
    version, questions = _fields(Invitation.objects.get())

    response = client.post(
        page_of(case, "customer"),
        {"version": version.pk, f"q{questions['scale_5'].pk}": "9", f"q{questions['text'].pk}": "Kept, please."},
    )

    assert response.status_code == 400
    assert "Please pick one of the numbers" in response.content.decode()
    assert "Kept, please." in response.content.decode()
    assert Invitation.objects.get().state == Invitation.State.OPEN


def test_answers_keep_the_version_shown_when_a_new_one_is_published_meanwhile(client, case, questionnaire, supervisor):
    version_1, questions = _fields(Invitation.objects.get())
    services.question_change(
        question=questions["scale_5"], details=QuestionDetails(**{**SCALE.__dict__, "text": "Reworded"}), by=supervisor
    )
    services.version_publish(questionnaire=questionnaire, by=supervisor)

    client.post(page_of(case, "customer"), {"version": version_1.pk, f"q{questions['scale_5'].pk}": "2"})

    invitation = Invitation.objects.get()
    assert invitation.version == version_1
    assert invitation.answers.get().question == questions["scale_5"]


def test_a_version_of_another_questionnaire_is_refused(client, case, staff_questionnaire):
    other = services.published_version(staff_questionnaire)

    response = client.post(page_of(case, "customer"), {"version": other.pk, "send": ""})

    assert response.status_code == 400
    assert "changed in the meantime" in response.content.decode()
    assert Invitation.objects.get(participant__role="customer").state == Invitation.State.OPEN


def test_submitting_the_reflection_closes_the_questions_before_it(case, caseworker):
    walk_to_plan(case, caseworker)

    assert Invitation.objects.get().state == Invitation.State.CLOSED
    assert Reminder.objects.get(kind=Reminder.Kind.QUESTIONNAIRE).state == Reminder.State.CANCELLED


def test_a_staff_member_is_asked_only_once_they_said_yes(case, staff_questionnaire, caseworker):
    agent = person(case, "agent")
    Participant.objects.filter(pk=agent.pk).update(consent="pending")
    program.consent_record(participant=person(case, "business"), consent="given", by=caseworker)
    assert not Invitation.objects.filter(participant=agent).exists()

    program.consent_record(participant=agent, consent="given", by=caseworker)

    assert Invitation.objects.filter(participant=agent, moment=Moment.BEFORE_PLAN).exists()
    assert Invitation.objects.filter(participant__role="business", moment=Moment.BEFORE_PLAN).count() == 1


def test_nobody_at_the_business_sees_anothers_answers(client, case, staff_questionnaire, caseworker):
    program.consent_record(participant=person(case, "business"), consent="given", by=caseworker)
    agent_invitation = Invitation.objects.get(participant__role="agent")
    version, questions = _fields(agent_invitation)
    client.post(
        page_of(case, "agent"),
        {"version": version.pk, f"q{questions['text'].pk}": "I still dread the evening shift.", "send": ""},
    )

    for page in ("home", "questions"):
        assert "dread" not in client.get(page_of(case, "business", page)).content.decode()
    assert Invitation.objects.get(participant__role="business").state == Invitation.State.OPEN


def test_the_caseworker_reads_answers_only_where_the_person_agreed(client, case, caseworker, supervisor):
    version, questions = _fields(Invitation.objects.get())
    client.post(
        page_of(case, "customer"), {"version": version.pk, f"q{questions['text'].pk}": "Private words.", "send": ""}
    )
    client.force_login(caseworker)

    page = client.get(case.get_absolute_url()).content.decode()
    assert "Not shared with the caseworker." in page
    assert "Private words." not in page

    Invitation.objects.update(shared_with_caseworker=True)
    assert "Private words." in client.get(case.get_absolute_url()).content.decode()


def test_the_reminder_goes_once_with_the_personal_link(case):
    person(case, "customer").__class__.objects.filter(role="customer", case=case).update(preferred_language="es")

    with time_machine.travel(timezone.now() + timedelta(days=4)):
        call_command("send_due_reminders")
        call_command("send_due_reminders")

    sent = [message for message in mail.outbox if message.subject == "Unas preguntas, si quieres responderlas"]
    assert len(sent) == 1
    assert "/p/" in sent[0].body


def test_withdrawing_the_case_closes_what_was_waiting(case, caseworker):
    case_change_status(case=case, action="withdraw", reason="Moved away", by=caseworker)

    assert Invitation.objects.get().state == Invitation.State.CLOSED


def test_completion_and_check_ins_open_their_moments_on_their_day(client, case, questionnaire, supervisor, caseworker):
    services.questionnaire_update(
        questionnaire=questionnaire,
        details=QuestionnaireDetails(
            title=questionnaire.title,
            uses=((Participant.Role.CUSTOMER, Moment.AT_COMPLETION), (Participant.Role.CUSTOMER, Moment.CHECKIN_30)),
        ),
        by=supervisor,
    )
    for step in range(1, 5):
        program.step_skip(case=case, step=step, reason="Test", by=supervisor)
    program.commitments_draft(case=case, commitments="Breathe", off_limits="Threats", by=caseworker)
    program.commitments_agree(case=case, by=person(case, "customer"))

    checkin = Invitation.objects.get(moment=Moment.CHECKIN_30)
    page = page_of(case, "customer")
    client.post(page, {"skip": ""})  # the completion questions
    assert "There are no questions waiting" in client.get(page).content.decode()
    assert checkin.opens_at > timezone.now() + timedelta(days=29)
    with time_machine.travel(checkin.opens_at + timedelta(minutes=1)):
        assert "How well do you understand" in client.get(page_of(case, "customer")).content.decode()
    assert Question.objects.exists()


def test_someone_who_chose_texts_gets_the_one_reminder_as_a_text_and_answering_cancels_every_channel(
    caseworker, questionnaire
):
    from notifications import sms
    from tests.notifications.reminder_helpers import at_noon, dispatch_at

    case = full_case(caseworker=caseworker)
    Participant.objects.filter(case=case, role="customer").update(channel="both", phone="+12125550142")
    event_record(case=case, kind=CaseEvent.Kind.OPENED, message="Case opened.", by=caseworker)
    rows = Reminder.objects.filter(kind=Reminder.Kind.QUESTIONNAIRE)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]

    noon = at_noon(rows.first().due_at)  # the first noon after it is due, whatever the time the test runs
    dispatch_at(noon)
    dispatch_at(noon + timedelta(minutes=5))

    (text,) = [message for message in sms.outbox if "questions" in message.body]
    assert "/p/" in text.body
    assert set(rows.values_list("state", flat=True)) == {Reminder.State.SENT}


def test_answering_cancels_the_reminder_by_every_channel(client, caseworker, questionnaire):
    case = full_case(caseworker=caseworker)
    Participant.objects.filter(case=case, role="customer").update(channel="both", phone="+12125550142")
    event_record(case=case, kind=CaseEvent.Kind.OPENED, message="Case opened.", by=caseworker)

    client.post(page_of(case, "customer"), {"skip": ""})

    states = Reminder.objects.filter(kind=Reminder.Kind.QUESTIONNAIRE).values_list("state", flat=True)
    assert sorted(states) == [Reminder.State.CANCELLED, Reminder.State.CANCELLED]


def test_a_questionnaire_no_longer_asked_withdraws_what_was_waiting(client, case, questionnaire, supervisor):
    services.questionnaire_update(
        questionnaire=questionnaire,
        details=QuestionnaireDetails(title=questionnaire.title, active=False),
        by=supervisor,
    )

    assert Invitation.objects.get().state == Invitation.State.CLOSED
    assert Reminder.objects.get(kind=Reminder.Kind.QUESTIONNAIRE).state == Reminder.State.CANCELLED
    assert "There are no questions waiting" in client.get(page_of(case, "customer")).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"version": "not a number", "send": ""},
        {"version": "999999", "send": ""},
        {"version": "", "q1": "<script>", "share": "maybe", "research": "perhaps"},
        {"version": "1", "q99999": "x" * 10000},
        {"skip": "", "version": "x"},
    ],
)
def test_odd_posts_to_the_questions_page_never_fail_and_never_half_answer(client, case, data):
    response = client.post(page_of(case, "customer"), data)

    assert response.status_code in {200, 302, 400}
    assert not Answer.objects.exists()
