"""What the reminder e-mails say: short, kind, in the person's language, with their link and calendar file."""

import re

import icalendar
from django.core import mail
from django.utils import timezone

from cases.links import link_resolve
from cases.models import Participant
from notifications import reminders
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person, walk_to_role_swap
from tests.reconciliation.test_rules import propose, schedule, walk_to_meeting

from .reminder_helpers import dispatch_at

Kind = Reminder.Kind
LINK = re.compile(r"(http://127\.0\.0\.1:8000/p/[\w-]+/)")


def sent_to(participant) -> list:
    return [m for m in mail.outbox if participant.email in m.to[0]]


def calendar_of(message) -> icalendar.Calendar:
    (name, content, mimetype), *_ = message.attachments
    assert mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(content)


def test_a_proposed_shift_e_mails_the_business_with_a_calendar_file_that_parses_back(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    shift = propose(case, caseworker, start=72, location="Front registers")

    dispatch_at(timezone.now())

    (message,) = sent_to(person(case, "business"))
    assert message.subject.startswith("A role-swap shift is proposed for")
    assert "Front registers" in message.body
    (event,) = calendar_of(message).walk("VEVENT")
    assert event.decoded("dtstart") == shift.starts_at
    assert event.decoded("dtend") == shift.ends_at
    assert str(event["uid"]) == f"shift-{shift.pk}@compassion.pli.example"
    assert "Cashier" in str(event["summary"])


def test_a_spanish_speaker_gets_the_calendar_file_in_spanish_too(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    Participant.objects.filter(pk=person(case, "business").pk).update(preferred_language="es")
    propose(case, caseworker, start=72, location="Front registers")

    dispatch_at(timezone.now())

    (message,) = sent_to(person(case, "business"))
    calendar = calendar_of(message)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]).startswith("Turno de intercambio de roles: Cashier")
    assert str(event["description"]).startswith("Quién supervisa en el lugar:")
    assert str(calendar["x-wr-calname"]) == "PLI · Proyecto de Compasión con el Cliente"


def test_the_meeting_reminder_carries_the_meeting_in_a_calendar_file(caseworker):
    case = walk_to_meeting(full_case(caseworker=caseworker), caseworker)
    meeting = schedule(case, caseworker, hours=72, location="PLI office, room 2")

    dispatch_at(meeting.scheduled_at - timezone.timedelta(hours=23))

    (message,) = [m for m in sent_to(person(case, "customer")) if m.subject.startswith("The restorative meeting, ")]
    assert "PLI office, room 2" in message.body
    (event,) = calendar_of(message).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.scheduled_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timezone.timedelta(minutes=90)


def test_an_e_mail_has_text_and_html_and_a_personal_link_that_opens_the_portal(caseworker):
    case = full_case(caseworker=caseworker)
    reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))

    dispatch_at(timezone.now())

    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    url = LINK.search(message.body).group(1)
    assert f'href="{url}"' in html
    assert link_resolve(url.rstrip("/").rsplit("/", 1)[1]).participant == person(case, "customer")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_two_e_mails_carry_two_different_links(caseworker):
    case = full_case(caseworker=caseworker)
    customer = person(case, "customer")
    reminders.sync_case(case)
    reminders.notify(case=case, kind=Kind.LINK, participant=customer)
    dispatch_at(timezone.now())

    dispatch_at(case.opened_at + timezone.timedelta(days=3, minutes=1))

    links = [LINK.search(m.body).group(1) for m in sent_to(customer)]
    assert len(links) == 2
    assert links[0] != links[1]


def test_a_spanish_speaker_gets_the_e_mail_in_spanish(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    Participant.objects.filter(role=Participant.Role.BUSINESS, case=case).update(preferred_language="es")
    propose(case, caseworker, start=72)

    dispatch_at(timezone.now())

    (message,) = sent_to(person(case, "business"))
    assert message.subject.startswith("Turno de intercambio de roles propuesto para el")
    assert "Hola, Dana Owner:" in message.body
    assert "Por favor, confirma el turno, recházalo o propón otro horario." in message.body
    assert "Este enlace es solo tuyo" in message.alternatives[0][0]
    assert message.extra_headers["Content-Language"] == "es"


def test_the_caseworkers_e_mail_links_to_the_case_page_not_to_the_portal(caseworker):
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)

    dispatch_at(case.last_activity_at + timezone.timedelta(days=14, minutes=1))

    (message,) = [m for m in mail.outbox if caseworker.email in m.to[0]]
    assert message.subject == f"Case {case.reference}: no activity for two weeks"
    assert f"http://127.0.0.1:8000{case.get_absolute_url()}" in message.body
    assert "/p/" not in message.body


def test_user_text_in_an_e_mail_is_escaped_in_html(caseworker):
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    propose(case, caseworker, start=72, location="<b>Back</b> door")

    dispatch_at(timezone.now())

    (message,) = sent_to(person(case, "business"))
    assert "&lt;b&gt;Back&lt;/b&gt; door" in message.alternatives[0][0]
    assert "<b>Back</b> door" in message.body
