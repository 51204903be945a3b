"""What the caseworker sees of reminders, and does with them: the case page and the case list."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent
from notifications import reminders, selectors
from notifications.models import Reminder
from tests.factories import full_case
from tests.reconciliation.journey import person

from .reminder_helpers import dispatch_at, scheduled

Kind = Reminder.Kind


def opened(caseworker):
    case = full_case(caseworker=caseworker)
    reminders.sync_case(case)
    return case


def failed_reminder(case) -> Reminder:
    reminder = scheduled(case, Kind.REFLECTION)[0]
    Reminder.objects.filter(pk=reminder.pk).update(
        state=Reminder.State.FAILED, attempts=4, last_error="Ana Ruiz has no e-mail address."
    )
    reminder.refresh_from_db()
    return reminder


def act(client, reminder, action):
    url = reverse("notifications:reminder", args=[reminder.case.reference, reminder.pk, action])
    return client.post(url)


def test_the_case_page_shows_failed_scheduled_and_sent_reminders(caseworker_client, caseworker):
    case = opened(caseworker)
    failed_reminder(case)
    reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "agent"))
    dispatch_at(timezone.now())

    body = caseworker_client.get(case.get_absolute_url()).content.decode()

    section = body[body.index('id="reminders"') :]
    assert "Failed</span> Reflection not submitted" in section
    assert "Ana Ruiz has no e-mail address. (4 attempts)" in section
    assert "Scheduled</span> Case without activity" in section
    assert "Sent</span> Personal link to Jamie Agent" in section


def test_the_caseworker_sends_a_scheduled_reminder_now(caseworker_client, caseworker):
    case = opened(caseworker)
    reminder = scheduled(case, Kind.REFLECTION)[0]

    response = act(caseworker_client, reminder, "send")

    assert response.status_code == 302
    assert response["Location"].endswith("#reminders")
    reminder.refresh_from_db()
    assert reminder.next_attempt_at <= timezone.now()
    dispatch_at(timezone.now())
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT


def test_the_caseworker_tries_a_failed_reminder_again(caseworker_client, caseworker):
    case = opened(caseworker)
    reminder = failed_reminder(case)

    act(caseworker_client, reminder, "send")

    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.SCHEDULED, 0)


def test_the_caseworker_cancels_a_reminder_and_it_stays_cancelled(caseworker_client, caseworker):
    case = opened(caseworker)
    reminder = scheduled(case, Kind.REFLECTION)[0]

    act(caseworker_client, reminder, "cancel")
    response = act(caseworker_client, reminder, "send")

    reminder.refresh_from_db()
    assert (reminder.state, reminder.cancelled_by) == (Reminder.State.CANCELLED, caseworker)
    assert response.status_code == 302
    page = caseworker_client.get(response["Location"]).content.decode()
    assert "This reminder was already cancelled." in page


def test_sending_and_cancelling_a_reminder_by_hand_is_on_the_timeline(caseworker_client, caseworker):
    case = opened(caseworker)
    reflection, idle = scheduled(case, Kind.REFLECTION)[0], scheduled(case, Kind.IDLE)[0]

    act(caseworker_client, reflection, "send")
    act(caseworker_client, idle, "cancel")

    messages = list(case.events.filter(kind=CaseEvent.Kind.REMINDER).order_by("pk").values_list("message", "actor"))
    assert messages == [
        (f"Reminder “Reflection not submitted” to {person(case, 'customer').name} sent now.", caseworker.pk),
        (f"Reminder “Case without activity” to {idle.recipient_name} cancelled.", caseworker.pk),
    ]


def test_a_refused_reminder_action_writes_nothing_on_the_timeline(caseworker_client, caseworker):
    case = opened(caseworker)
    reminder = scheduled(case, Kind.REFLECTION)[0]
    act(caseworker_client, reminder, "cancel")
    before = case.events.count()

    act(caseworker_client, reminder, "send")

    assert case.events.count() == before


def test_another_caseworker_gets_404_and_changes_nothing(client, caseworker, outsider_caseworker):
    case = opened(caseworker)
    reminder = scheduled(case, Kind.REFLECTION)[0]
    client.force_login(outsider_caseworker)

    assert act(client, reminder, "cancel").status_code == 404
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SCHEDULED


def test_a_reminder_of_another_case_cannot_be_reached_through_this_case(caseworker_client, caseworker):
    mine, theirs = opened(caseworker), opened(caseworker)
    reminder = scheduled(theirs, Kind.REFLECTION)[0]

    url = reverse("notifications:reminder", args=[mine.reference, reminder.pk, "cancel"])

    assert caseworker_client.post(url).status_code == 404
    assert caseworker_client.get(url).status_code == 405
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SCHEDULED


def test_an_unknown_reminder_action_is_404(caseworker_client, caseworker):
    reminder = scheduled(opened(caseworker), Kind.REFLECTION)[0]

    assert act(caseworker_client, reminder, "explode").status_code == 404


def test_the_case_page_query_count_does_not_grow_with_reminders(caseworker_client, caseworker):
    case = opened(caseworker)
    with CaptureQueriesContext(connection) as few:
        caseworker_client.get(case.get_absolute_url())
    for _ in range(20):
        reminders.notify(case=case, kind=Kind.LINK, participant=person(case, "customer"))
        Reminder.objects.filter(kind=Kind.LINK, state=Reminder.State.SCHEDULED).update(
            state=Reminder.State.SENT, sent_at=timezone.now(), key=f"sent-{timezone.now().timestamp()}"
        )
    failed_reminder(case)

    with CaptureQueriesContext(connection) as many:
        caseworker_client.get(case.get_absolute_url())

    assert len(many) == len(few)


def test_the_case_list_says_how_many_reminders_failed_and_where(caseworker_client, caseworker, outsider_caseworker):
    case = opened(caseworker)
    failed_reminder(case)
    failed_reminder(opened(outsider_caseworker))

    body = caseworker_client.get(reverse("cases:list")).content.decode()

    assert "1 reminder failed</strong> and needs a look" in body
    assert f'href="{case.get_absolute_url()}#reminders">{case.reference}</a>' in body


def test_failed_reminders_are_listed_for_the_cases_a_user_sees(caseworker, outsider_caseworker, supervisor):
    mine = failed_reminder(opened(caseworker))
    theirs = failed_reminder(opened(outsider_caseworker))

    assert list(selectors.failed_reminders_for(caseworker)) == [mine]
    assert set(selectors.failed_reminders_for(supervisor)) == {mine, theirs}


def test_the_case_list_query_count_does_not_grow_with_failed_reminders(caseworker_client, caseworker):
    failed_reminder(opened(caseworker))
    with CaptureQueriesContext(connection) as one:
        caseworker_client.get(reverse("cases:list"))
    for _ in range(5):
        failed_reminder(opened(caseworker))

    with CaptureQueriesContext(connection) as six:
        caseworker_client.get(reverse("cases:list"))

    assert len(six) == len(one)
