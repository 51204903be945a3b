"""'E-mail a link': one e-mail per press, or a plain 'sent 2 minutes ago, send again?'; the page
shows at once the state the caseworker just caused; and one rule about old links."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import links
from cases.models import CaseEvent, Participant
from notifications.models import Reminder

from .reminder_helpers import dispatch_at


def customer_of(case) -> Participant:
    return case.participants.get(role="customer")


def press(client, case, **data):
    url = reverse("notifications:link_email", args=[case.reference, customer_of(case).pk])
    return client.post(url, data, follow=True).content.decode()


def emailed_events(case) -> int:
    return case.events.filter(kind=CaseEvent.Kind.LINK, message__contains="e-mailed").count()


def test_right_after_the_press_the_page_says_the_link_is_being_e_mailed_then_when_it_went(caseworker_client, case):
    page = press(caseworker_client, case)

    assert "on its way to" in page
    assert "Link: a new one is being e-mailed" in page
    assert "E-mail with a new link: being sent" in page

    dispatch_at(timezone.now())
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "E-mail with a new link: sent" in page
    assert "Link: active until" in page


def test_a_second_press_a_moment_later_sends_nothing_and_says_so_plainly(caseworker_client, case, mailoutbox):
    press(caseworker_client, case)
    dispatch_at(timezone.now())

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        page = press(caseworker_client, case)
        dispatch_at(timezone.now())

    assert "was e-mailed to" in page
    assert "2\xa0minutes ago (sent at" in page
    assert "nothing more was sent" in page
    assert "Send again" in page
    assert "on its way" not in page
    assert len(mailoutbox) == 1
    assert emailed_events(case) == 1


def test_send_again_sends_one_more_e_mail_and_the_timeline_says_again(caseworker_client, case, mailoutbox):
    press(caseworker_client, case)
    dispatch_at(timezone.now())

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        page = press(caseworker_client, case, again="1")
        dispatch_at(timezone.now())

    assert "on its way to" in page
    assert len(mailoutbox) == 2
    assert emailed_events(case) == 2
    assert case.events.filter(message=f"Personal link e-mailed to {customer_of(case).name} again.").exists()


def test_after_ten_minutes_a_press_sends_without_asking(caseworker_client, case, mailoutbox):
    press(caseworker_client, case)
    dispatch_at(timezone.now())

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        page = press(caseworker_client, case)
        dispatch_at(timezone.now())

    assert "on its way to" in page
    assert len(mailoutbox) == 2


def test_an_older_e_mailed_link_keeps_working_after_a_newer_one_is_e_mailed_as_the_page_says(
    caseworker_client, case, mailoutbox, client
):
    press(caseworker_client, case)
    dispatch_at(timezone.now())
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        press(caseworker_client, case)
        dispatch_at(timezone.now())

    first, second = (message.body.split("/p/")[1].split("/")[0] for message in mailoutbox)
    assert links.link_resolve(first) is not None
    assert links.link_resolve(second) is not None
    assert Reminder.objects.filter(kind=Reminder.Kind.LINK, state=Reminder.State.SENT).count() == 2

    page = client.get(reverse("portal:home", args=["not-a-working-link-at-all-" + "x" * 20])).content.decode()
    assert "A personal link works for 30 days after we send it, unless your caseworker stops it sooner." in page


def test_after_a_link_e_mail_failed_a_press_sends_again_at_once(caseworker_client, case, mailoutbox):
    press(caseworker_client, case)
    Reminder.objects.filter(kind=Reminder.Kind.LINK).update(state=Reminder.State.FAILED, last_error="Mailbox full.")

    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "E-mail with a new link: could not be sent. Mailbox full." in page
    assert "Send again" not in page

    page = press(caseworker_client, case)
    dispatch_at(timezone.now())
    assert "on its way to" in page
    assert len(mailoutbox) == 1


def test_the_e_mailed_link_is_the_portal_page_of_its_token_and_opens_it(
    caseworker_client, case, mailoutbox, client, settings
):
    press(caseworker_client, case)
    dispatch_at(timezone.now())

    (message,) = mailoutbox
    token = message.body.split("/p/")[1].split("/")[0]
    address = settings.SITE_URL + reverse("portal:home", args=[token])
    assert address in message.body
    assert address in message.alternatives[0][0]
    assert client.get(reverse("portal:home", args=[token])).status_code == 200
