"""Tasks on a case: set for its caseworker or a supervisor with a due day, listed on the dashboard
(overdue, today, the coming days), ticked done; a day overdue, one reminder to the owner."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.timeline import WorkflowError
from casework import services
from casework.models import Task
from notifications.models import Reminder
from tests.factories import CaseworkerFactory, full_case
from tests.notifications.reminder_helpers import dispatch_at

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reporting:dashboard")


def _task(case, by, *, title="Call the business", days=0, owner=None) -> Task:
    due_on = timezone.localdate() + timedelta(days=days)
    return services.task_create(case=case, title=title, due_on=due_on, owner=owner or case.caseworker, by=by)


def _form(**fields) -> dict:
    data = {"task-title": "Call the business on Tuesday", "task-due_on": timezone.localdate().isoformat()}
    data.update({f"task-{name}": value for name, value in fields.items()})
    return data


def test_a_caseworker_sets_a_task_and_sees_it_on_the_case_and_the_dashboard(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    due = (timezone.localdate() + timedelta(days=2)).isoformat()

    response = caseworker_client.post(
        reverse("casework:task_add", args=[case.reference]), _form(due_on=due, owner=caseworker.pk)
    )

    assert response.status_code == 302
    assert "Call the business on Tuesday" in caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "Call the business on Tuesday" in caseworker_client.get(DASHBOARD).content.decode()
    event = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert event.message.endswith(f"due {due}: Call the business on Tuesday")


def test_a_task_due_in_the_past_is_refused_and_what_was_typed_stays(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = caseworker_client.post(
        reverse("casework:task_add", args=[case.reference]),
        _form(title="Write to the court", due_on=yesterday, owner=caseworker.pk),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The due date has passed" in page
    assert "Write to the court" in page
    assert not case.tasks.exists()
    with pytest.raises(WorkflowError):
        _task(case, caseworker, days=-1)


def test_a_task_is_for_the_cases_caseworker_or_a_supervisor_only(caseworker_client, caseworker, supervisor):
    case = full_case(caseworker=caseworker)
    colleague = CaseworkerFactory(username="colleague")

    response = caseworker_client.post(
        reverse("casework:task_add", args=[case.reference]), _form(owner=colleague.pk)
    )

    assert response.status_code == 400
    assert not case.tasks.exists()
    with pytest.raises(WorkflowError):
        _task(case, caseworker, owner=colleague)
    assert _task(case, caseworker, owner=supervisor).owner == supervisor


def test_ticking_a_task_done_takes_it_off_the_dashboard_and_cancels_its_reminder(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    task = _task(case, caseworker, title="Send the plan")
    reminder = case.reminders.get(kind=Reminder.Kind.TASK_OVERDUE)

    response = caseworker_client.post(
        reverse("casework:task_done", args=[case.reference, task.pk]), {"next": "dashboard"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(DASHBOARD)
    task.refresh_from_db()
    assert (task.is_done, task.done_by) == (True, caseworker)
    assert caseworker_client.get(DASHBOARD).context["tasks"] == []
    page = caseworker_client.get(case.get_absolute_url()).content.decode()
    assert "Done lately" in page
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.CANCELLED
    assert case.events.filter(message="Task done: Send the plan").exists()
    with pytest.raises(WorkflowError):
        services.task_done(task=task, by=caseworker)


def test_the_dashboard_groups_tasks_as_overdue_today_and_the_coming_days(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        _task(case, caseworker, title="Late one", days=1)
    _task(case, caseworker, title="Today's", days=0)
    _task(case, caseworker, title="This week's", days=5)
    _task(case, caseworker, title="Next month's", days=30)

    response = caseworker_client.get(DASHBOARD)

    tasks = {task["title"]: task for task in response.context["tasks"]}
    assert set(tasks) == {"Late one", "Today's", "This week's"}
    assert tasks["Late one"]["overdue"]
    assert tasks["Today's"]["today"]
    assert not tasks["This week's"]["overdue"]
    assert not tasks["This week's"]["today"]
    assert response.context["task_count"] == 3


def test_a_caseworker_sees_their_own_tasks_and_a_supervisor_everyones(client, caseworker, supervisor):
    case, others = full_case(caseworker=caseworker), full_case(caseworker=CaseworkerFactory(username="other"))
    _task(case, caseworker, title="Mine")
    _task(others, others.caseworker, title="Theirs")
    _task(others, others.caseworker, title="For the supervisor", owner=supervisor)

    client.force_login(caseworker)
    mine = client.get(DASHBOARD).content.decode()
    client.force_login(supervisor)
    everyone = client.get(DASHBOARD).content.decode()
    theirs = client.get(DASHBOARD, {"caseworker": others.caseworker.pk}).content.decode()

    assert "Mine" in mine
    assert "Theirs" not in mine
    assert "Everyone’s tasks" in everyone
    assert all(title in everyone for title in ("Mine", "Theirs", "For the supervisor"))
    assert "Theirs" in theirs
    assert "Mine" not in theirs


def test_a_task_a_day_overdue_reminds_its_owner_once(caseworker):
    case = full_case(caseworker=caseworker)
    task = _task(case, caseworker, title="Call Dana about Tuesday", days=1)
    reminder = case.reminders.get(kind=Reminder.Kind.TASK_OVERDUE)
    assert timezone.localtime(reminder.due_at).date() == task.due_on + timedelta(days=1)

    def task_mails():
        return [message for message in mail.outbox if "a task is overdue" in message.subject]

    dispatch_at(reminder.due_at - timedelta(minutes=1))
    assert task_mails() == []
    dispatch_at(reminder.due_at + timedelta(minutes=1))
    dispatch_at(reminder.due_at + timedelta(days=1))
    dispatch_at(reminder.due_at + timedelta(days=2))

    assert len(task_mails()) == 1
    message = task_mails()[0]
    assert message.to == [f"{caseworker.get_full_name()} <{caseworker.email}>"]
    assert "a task is overdue" in message.subject
    assert "Call Dana about Tuesday" in message.body
    assert case.get_absolute_url() in message.body
    # Setting the same task again later is no second reminder for it.
    assert case.reminders.filter(kind=Reminder.Kind.TASK_OVERDUE).count() == 1


def test_a_task_done_in_time_sends_nothing(caseworker):
    case = full_case(caseworker=caseworker)
    task = _task(case, caseworker, days=1)
    reminder = case.reminders.get(kind=Reminder.Kind.TASK_OVERDUE)
    services.task_done(task=task, by=caseworker)

    dispatch_at(reminder.due_at + timedelta(minutes=1))

    assert [message for message in mail.outbox if "task" in message.subject] == []


def test_no_task_is_set_on_a_closed_case(caseworker):
    case = full_case(caseworker=caseworker, status=Case.Status.CLOSED)

    with pytest.raises(WorkflowError):
        _task(case, caseworker)


@pytest.mark.parametrize("persona", ["caseworker", "supervisor"])
def test_the_dashboards_query_count_is_the_same_with_1_and_50_tasks(client, caseworker, supervisor, persona):
    client.force_login(caseworker if persona == "caseworker" else supervisor)
    case = full_case(caseworker=caseworker)
    _task(case, caseworker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD).status_code == 200
        return len(captured)

    with_one = queries()
    for n in range(49):
        _task(full_case(caseworker=caseworker), caseworker, title=f"Task {n}", days=n % 7)
    with_fifty = queries()

    assert with_one == with_fifty
    assert with_fifty <= 15
