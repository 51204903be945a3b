"""Research consent: separate from taking part, asked once with the questions, changed at any time in the portal."""

import pytest
from django.urls import reverse

from cases import links
from cases.models import CaseEvent, Participant
from cases.services import event_record
from questionnaires import services
from questionnaires.models import Invitation, ResearchConsent
from tests.factories import full_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(caseworker, questionnaire):
    case = full_case(caseworker=caseworker)
    event_record(case=case, kind=CaseEvent.Kind.OPENED, message="Case opened.", by=caseworker)
    return case


def customer(case) -> Participant:
    return case.participants.get(role="customer")


def page_of(case, page) -> str:
    _link, token = links.link_issue(participant=customer(case), by=None)
    return reverse(f"portal:{page}", kwargs={"token": token})


def _version(case):
    return services.published_version(Invitation.objects.get(participant=customer(case)).questionnaire)


def test_research_is_asked_once_with_the_questions_and_saying_nothing_means_no(client, case):
    page = page_of(case, "questions")
    assert "May PLI also use your answers for its research?" in client.get(page).content.decode()

    client.post(page, {"version": _version(case).pk, "send": ""})

    assert not ResearchConsent.objects.exists()  # no answer: nothing recorded, nothing leaves
    assert Invitation.objects.get().state == Invitation.State.ANSWERED


def test_a_yes_with_the_questions_is_recorded_on_the_timeline(client, case):
    client.post(page_of(case, "questions"), {"version": _version(case).pk, "research": "yes", "send": ""})

    consent = ResearchConsent.objects.get()
    assert consent.agreed
    assert case.events.filter(kind=CaseEvent.Kind.CONSENT, to_value="research yes").exists()


def test_taking_back_a_yes_in_the_portal_is_one_button(client, case):
    services.research_consent_record(participant=customer(case), agreed=True, by=customer(case))
    page = page_of(case, "research")
    assert "You agreed that your answers may be used for research." in client.get(page).content.decode()

    response = client.post(page, {"research": "no"}, follow=True)

    consent = ResearchConsent.objects.get()
    assert not consent.agreed
    assert consent.revoked_at is not None
    assert "leave in no research export" in response.content.decode()
    assert case.events.filter(kind=CaseEvent.Kind.CONSENT, message__contains="took back").exists()


def test_research_is_separate_from_taking_part(client, case):
    client.post(page_of(case, "research"), {"research": "no"})

    participant = customer(case)
    assert participant.takes_part
    assert participant.consent == Participant.Consent.PENDING


def test_the_same_answer_twice_changes_nothing(case):
    person = customer(case)
    services.research_consent_record(participant=person, agreed=True, by=person)
    services.research_consent_record(participant=person, agreed=True, by=person)

    assert case.events.filter(kind=CaseEvent.Kind.CONSENT).count() == 1


def test_nobody_answers_research_for_someone_else(case):
    business = case.participants.get(role="business")

    with pytest.raises(services.WorkflowError):
        services.research_consent_record(participant=customer(case), agreed=True, by=business)
    assert not ResearchConsent.objects.exists()


def test_a_research_answer_that_is_not_yes_or_no_changes_nothing(client, case):
    response = client.post(page_of(case, "research"), {"research": "maybe"})

    assert response.status_code == 400
    assert not ResearchConsent.objects.exists()


def test_the_research_page_is_among_the_persons_pages_once_they_were_asked(client, case):
    assert "Your answers and research" in client.get(page_of(case, "home")).content.decode()


def test_a_persons_export_holds_their_answers_and_erasing_them_takes_their_words_and_their_yes(
    client, case, caseworker, supervisor
):
    from cases.services import case_change_status
    from privacy import services as privacy

    person = customer(case)
    client.post(
        page_of(case, "questions"),
        {"version": _version(case).pk, "research": "yes", f"q{_text_question(case).pk}": "My words", "send": ""},
    )

    exported = privacy.participant_export(participant=person)
    assert exported["research_consent"]["agreed"] is True
    assert exported["questionnaires"][0]["answers"] == [{"question": "Anything else?", "answer": "My words"}]

    case_change_status(case=case, action="withdraw", reason="Moved away", by=caseworker)
    privacy.participant_erase(participant=customer(case), by=supervisor)

    assert not ResearchConsent.objects.get(participant=person).agreed
    assert not Invitation.objects.get(participant=person).answers.exclude(text="").exists()


def _text_question(case):
    return _version(case).questions.get(kind="text")
