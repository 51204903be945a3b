"""Every page, e-mail and text names the caseworker and how to reach them; replies reach a person."""


import pytest
from django.core import mail
from django.urls import reverse

from cases import links
from cases.models import Participant, StaffContact
from notifications import reminders, sms
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person
from tests.referrals.test_public_form import submit

from .reminder_helpers import at_noon, dispatch_at


@pytest.fixture
def case(caseworker):
    caseworker.first_name, caseworker.last_name, caseworker.email = "Sam", "Rivera", "sam@pli.example"
    caseworker.save()
    StaffContact.objects.create(user=caseworker, phone="+12125550177")
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)
    return case


def send_reflection_reminder(case):
    reminder = case.reminders.filter(kind=Reminder.Kind.REFLECTION).order_by("due_at").first()
    dispatch_at(at_noon(reminder.due_at))


def test_an_e_mail_names_the_caseworker_and_a_reply_reaches_them(case):
    send_reflection_reminder(case)

    (message,) = mail.outbox
    assert message.reply_to == ["sam@pli.example"]
    assert "Your caseworker is Sam Rivera: call (212) 555-0177 or write to sam@pli.example" in message.body
    html = message.alternatives[0][0]
    assert "Your caseworker is Sam Rivera" in html


def test_without_a_work_phone_the_e_mail_gives_plis_line(case, settings):
    StaffContact.objects.all().delete()
    settings.PLI_CONTACT_PHONE = "(212) 555-0199"

    send_reflection_reminder(case)

    assert "call (212) 555-0199 or write to sam@pli.example" in mail.outbox[0].body


def test_a_case_whose_caseworker_left_gives_plis_line_and_inbox(case, settings):
    settings.PLI_REPLY_TO_EMAIL = "team@pli.example"
    case.caseworker.is_active = False
    case.caseworker.save()

    send_reflection_reminder(case)

    (message,) = [m for m in mail.outbox if m.to[0].endswith(person(case, "customer").email + ">")]
    assert message.reply_to == ["team@pli.example"]
    assert "To reach PLI, call" in message.body
    assert "Sam Rivera" not in message.body


def test_a_text_names_the_caseworker_and_their_work_phone(case):
    customer = person(case, "customer")
    Participant.objects.filter(pk=customer.pk).update(phone="+12125550142", channel="sms")
    reminders.sync_case(case)

    send_reflection_reminder(case)

    (text,) = sms.outbox
    assert text.body.endswith("Questions? Sam, (212) 555-0177.")


def test_a_spanish_e_mail_names_the_caseworker_in_spanish(case):
    Participant.objects.filter(pk=person(case, "customer").pk).update(preferred_language="es")

    send_reflection_reminder(case)

    assert "La persona que lleva tu caso es Sam Rivera: llama al (212) 555-0177" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("customer", "home"),
        ("customer", "reflection"),
        ("customer", "plan"),
        ("customer", "commitments"),
        ("customer", "messages"),
        ("business", "shifts"),
        ("agent", "consent"),
        ("agent", "stop"),
    ],
)
def test_every_portal_page_names_the_caseworker_with_phone_and_e_mail(case, client, role, name):
    _link, token = links.link_issue(participant=person(case, role), by=None)

    page = client.get(reverse(f"portal:{name}", kwargs={"token": token})).content.decode()

    assert page.count("Your caseworker is Sam Rivera: call (212) 555-0177 or write to") == 1
    assert 'href="mailto:sam@pli.example"' in page


def test_the_referral_confirmation_is_answered_by_a_person_at_pli(
    client, settings, db, django_capture_on_commit_callbacks
):
    settings.PLI_REPLY_TO_EMAIL = "referrals@pli.example"

    with django_capture_on_commit_callbacks(execute=True):
        submit(client)

    (message,) = mail.outbox
    assert message.reply_to == ["referrals@pli.example"]
    assert "your reply reaches a person at PLI" in message.body
