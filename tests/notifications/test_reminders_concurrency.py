"""Several dispatchers at once (several Celery workers) send each reminder exactly once: PostgreSQL row locks."""

import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections
from django.utils import timezone

from notifications import dispatch, reminders
from notifications.models import Reminder
from reconciliation import services
from tests.factories import CaseworkerFactory, full_case
from tests.reconciliation.journey import ANSWERS, person
from tests.reconciliation.test_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under concurrency need PostgreSQL (CI)"),
]

# Each dispatcher holds its first reminder's lock until the other one holds one too.
both_sending = threading.Barrier(2, timeout=10)
first_send: dict[int, bool] = {}


class MeetInTheMiddleBackend(EmailBackend):
    """The locmem backend, but each thread's first send waits until the other thread is sending too."""

    def send_messages(self, messages):
        thread = threading.get_ident()
        if thread not in first_send:
            first_send[thread] = True
            both_sending.wait()
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _no_dispatch_on_commit(monkeypatch):
    """The reminders wait for the dispatchers under test (no task runs them on commit)."""
    monkeypatch.setattr(reminders, "dispatch_soon", lambda: None)


def test_two_dispatchers_at_once_send_each_reminder_exactly_once(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.notifications.test_reminders_concurrency.MeetInTheMiddleBackend"
    monkeypatch.setattr(dispatch, "CLAIM_AT_ONCE", 3)  # twelve reminders: work for both
    caseworker = CaseworkerFactory(username="a")
    for _ in range(12):
        case = full_case(caseworker=caseworker)
        reminders.notify(case=case, kind=Reminder.Kind.LINK, participant=person(case, "customer"))
    mail.outbox = []
    first_send.clear()

    errors = run_together(dispatch.reminders_dispatch, dispatch.reminders_dispatch)

    assert errors == [None, None]
    assert len(first_send) == 2  # both really were sending at the same time
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert len(ids) == 12
    assert len(set(ids)) == 12
    links = Reminder.objects.filter(kind=Reminder.Kind.LINK)
    assert set(links.values_list("state", flat=True)) == {Reminder.State.SENT}


class SlowBackend(EmailBackend):
    """A mail server that answers only when the test says so."""

    release = threading.Event()
    entered = threading.Event()

    def send_messages(self, messages):
        SlowBackend.entered.set()
        assert SlowBackend.release.wait(timeout=10)
        return super().send_messages(messages)


def test_a_change_to_the_case_does_not_wait_for_the_mail_server(settings):
    """While a reminder is being sent, the services keep working on its case (they skip the locked row)."""
    settings.EMAIL_BACKEND = "tests.notifications.test_reminders_concurrency.SlowBackend"
    SlowBackend.release.clear()
    SlowBackend.entered.clear()
    caseworker = CaseworkerFactory(username="a")
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)
    reminder = case.reminders.filter(kind=Reminder.Kind.REFLECTION).order_by("due_at").first()
    Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=timezone.now())

    def send():
        try:
            dispatch.reminders_dispatch()
        finally:
            connections.close_all()

    sender = threading.Thread(target=send)
    sender.start()
    try:
        assert SlowBackend.entered.wait(timeout=10)
        services.reflection_submit(case=case, answers=ANSWERS, by=person(case, "customer"))  # does not block
    finally:
        SlowBackend.release.set()
        sender.join()

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT  # it was already on its way
    assert not case.reminders.filter(kind=Reminder.Kind.REFLECTION, state=Reminder.State.SCHEDULED).exists()


def test_a_second_dispatcher_leaves_alone_what_a_sending_one_has_claimed(settings):
    """A dispatcher held up by the mail server has four reminders claimed: a pass meanwhile sends none of them."""
    settings.EMAIL_BACKEND = "tests.notifications.test_reminders_concurrency.SlowBackend"
    SlowBackend.release.clear()
    SlowBackend.entered.clear()
    caseworker = CaseworkerFactory(username="a")
    for _ in range(4):
        case = full_case(caseworker=caseworker)
        reminders.notify(case=case, kind=Reminder.Kind.LINK, participant=person(case, "customer"))
    mail.outbox = []

    def first():
        try:
            dispatch.reminders_dispatch()
        finally:
            connections.close_all()

    sender = threading.Thread(target=first)
    sender.start()
    try:
        assert SlowBackend.entered.wait(timeout=10)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        second = dispatch.reminders_dispatch()
    finally:
        SlowBackend.release.set()
        sender.join()

    assert second.total == 0
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert len(ids) == len(set(ids)) == 4
    links = Reminder.objects.filter(kind=Reminder.Kind.LINK)
    assert set(links.values_list("state", flat=True)) == {Reminder.State.SENT}
