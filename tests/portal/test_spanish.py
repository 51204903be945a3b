"""Nothing English on a Spanish page: every portal page and every e-mail to a participant, drawn for
a participant whose language is Spanish, is checked for English words and for the wording this
project gave up (usted and vosotros, the staff member in the masculine, three names for the program)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import links
from cases.models import Case, Participant
from notifications.emails import reminder_email
from notifications.models import Reminder
from reconciliation import services
from reconciliation.models import CheckIn, Commitment, PersonalTime, Reflection, RestorativeMeeting, RoleSwapShift
from tests.factories import CaseFactory, ParticipantFactory
from tests.reconciliation.journey import walk_to_role_swap

# Words of English that no Spanish page should hold (checked as whole words, any case).
ENGLISH = re.compile(
    r"\b(the|your|you|please|thank|thanks|with|shift|shifts|caseworker|meeting|step|staff|customer|business|"
    r"nothing|here|when|where|what|page|link|calendar|answer|yes|save|send|back|personal time|taking part|"
    r"hello|reminder|agreed|proposed|confirmed|cancelled|declined|program|project)\b",
    re.IGNORECASE,
)
# Spanish this project does not write: usted and vosotros, the staff member in the masculine,
# a licensed profession for the caseworker, another name for the program.
NOT_OUR_SPANISH = re.compile(
    r"\b(usted|ustedes|vosotros|vuestro|vuestra|os|inténtelo|empleado|trabajador social|trabajador de caso|"
    r"Proyecto Compasión)\b|"
    r"\b\w+(áis|éis|steis)\b"
)
# Names and places in the test case: Spanish or neutral, so that only our words are checked.
PEOPLE = {"customer": "Lucía Gómez", "business": "Carmen Ruiz", "agent": "Alex Rivera"}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(html).split())


def problems(text: str) -> list[str]:
    found = [m.group(0) for m in ENGLISH.finditer(text)]
    found += [m.group(0) for m in NOT_OUR_SPANISH.finditer(text)]
    return sorted(set(found))


@pytest.fixture
def case(caseworker, supervisor):
    """A Spanish-speaking case with something on every page: a plan, shifts in each state,
    personal time, a meeting, commitments and a check-in due."""
    # Names of their own: a generated one may be an English word ("Page", "Hope").
    for person, (first, last) in ((caseworker, ("Lucía", "Ortega")), (supervisor, ("Marta", "Ruiz"))):
        person.first_name, person.last_name = first, last
        person.save()
    case = CaseFactory(caseworker=caseworker, customer=False)
    business = case.incident.business
    business.name, business.address = "Panadería La Espiga", "Calle Mayor 3"
    business.save()
    ParticipantFactory(case=case, role="customer", name=PEOPLE["customer"], preferred_language="es")
    ParticipantFactory(case=case, role="business", name=PEOPLE["business"], preferred_language="es")
    ParticipantFactory(
        case=case, role="agent", name=PEOPLE["agent"], preferred_language="es", consent=Participant.Consent.GIVEN
    )
    walk_to_role_swap(
        case,
        caseworker,
        personal_time_with_agent=True,
        goals_redemption="Reconocer lo que pasó.",
        goals_empathy="Entender un día de trabajo en la panadería.",
        goals_reconciliation="Pedir perdón.",
    )
    Reflection.objects.filter(case=case).update(**dict.fromkeys(Reflection.QUESTIONS, "Lo siento."))
    start = timezone.now() + timedelta(days=2)
    for state in RoleSwapShift.State.values:
        RoleSwapShift.objects.create(
            case=case,
            business=business,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            role="Dependienta",
            location="Mostrador",
            supervisor_on_site="Marta",
            state=state,
        )
        start += timedelta(days=1)
    agent = case.participants.get(role="agent")
    services.personal_time_consent_record(participant=agent, agreed=True, by=agent)
    PersonalTime.objects.create(
        case=case,
        agent=agent,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        activity="Un café",
        location="Cafetería Sol",
    )
    RestorativeMeeting.objects.create(
        case=case, scheduled_at=start + timedelta(days=1), location="Sala 2", facilitator="Marta"
    )
    Commitment.objects.create(case=case, commitments="Respirar antes de hablar.", off_limits="Gritar.")
    CheckIn.objects.create(case=case, days_after=30, due_on=timezone.localdate())
    return case


def token_of(case: Case, role: str) -> str:
    return links.link_issue(participant=case.participants.get(role=role), by=None)[1]


PAGES = ["home", "reflection", "plan", "shifts", "consent", "personal_time", "meeting", "commitments", "checkin",
         "messages", "stop", "talk"]


@pytest.mark.parametrize("role", ["customer", "agent", "business"])
def test_every_portal_page_of_a_spanish_speaker_is_in_spanish(client, case, role):
    token = token_of(case, role)
    wrong = {}
    for name in PAGES:
        response = client.get(reverse(f"portal:{name}", kwargs={"token": token}))
        text = visible_text(response.content.decode())
        assert "Proyecto de Compasión con el Cliente" in text, name
        if found := problems(text):
            wrong[name] = found
    assert wrong == {}


@pytest.mark.parametrize("status", ["paused", "completed", "withdrawn"])
def test_the_pages_of_each_state_are_in_spanish(client, case, status):
    Case.objects.filter(pk=case.pk).update(status=status)
    for role in PEOPLE:
        text = visible_text(client.get(reverse("portal:home", kwargs={"token": token_of(case, role)})).content.decode())
        assert problems(text) == [], (role, status)


def test_a_link_that_does_not_work_and_the_kind_error_pages_are_in_spanish(client, case):
    client.cookies["django_language"] = "es"
    text = visible_text(client.get("/p/no-such-link/").content.decode())
    assert "Este enlace ya no funciona" in text
    assert problems(text) == []


PARTICIPANT_KINDS = [
    kind for kind in Reminder.Kind.values if kind not in {"idle", "failed", "task_overdue"}
]


@pytest.mark.parametrize("kind", PARTICIPANT_KINDS)
def test_every_email_to_a_spanish_speaker_is_in_spanish(case, kind):
    role = {
        "shift_proposed": "business",
        "shift_unconfirmed": "business",
        "personal_time_proposed": "agent",
    }.get(kind, "customer")
    person = case.participants.get(role=role)
    reminder = Reminder.objects.create(
        case=case,
        kind=kind,
        participant=person,
        shift=case.shifts.filter(state="confirmed").first(),
        plan=case.plans.first(),
        checkin=case.checkins.first(),
        personal_time=case.personal_times.first(),
        key=f"test:{kind}",
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    message, _link = reminder_email(reminder, emailed_at=timezone.now())

    html = next((body for body, kind_ in getattr(message, "alternatives", []) if kind_ == "text/html"), "")
    for part, text in (("subject", message.subject), ("text", message.body), ("html", visible_text(html))):
        text = re.sub(r"https?://\S+", " ", text)  # the personal link's address
        assert problems(text) == [], (kind, part)


def test_the_public_referral_form_and_its_thanks_are_in_spanish(client, db):
    client.cookies["django_language"] = "es"
    for path in ("/refer/", "/refer/thanks/"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        text = text.replace("Sunrise Coffee", "").replace("Main Street", "").replace("Springfield", "")
        assert problems(text) == [], path
