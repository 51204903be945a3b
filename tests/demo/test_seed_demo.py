from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Case, Participant
from cases.roles import is_caseworker, is_supervisor

User = get_user_model()


def test_seed_demo_creates_the_demo_logins_and_cases(db, client):
    call_command("seed_demo", stdout=StringIO())

    assert is_supervisor(User.objects.get(username="supervisor"))
    assert is_caseworker(User.objects.get(username="caseworker"))
    assert Case.objects.count() == 7
    assert client.login(username="caseworker", password="compassion-demo")


def test_seed_demo_run_twice_changes_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    counts = (User.objects.count(), Case.objects.count(), Participant.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (User.objects.count(), Case.objects.count(), Participant.objects.count()) == counts


def test_seed_demo_cases_fills_up_to_the_number_asked(db):
    call_command("seed_demo", "--cases", "120", stdout=StringIO())
    call_command("seed_demo", "--cases", "120", stdout=StringIO())

    assert Case.objects.count() == 120
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == 120
    assert Participant.objects.filter(role="customer").count() == 120


def test_the_demo_shows_every_step_and_the_interesting_states(db):
    from reconciliation.models import PlanSignoff, RestorativeMeeting, RoleSwapShift

    call_command("seed_demo", stdout=StringIO())

    open_steps = set(Case.objects.filter(status="open").values_list("step", flat=True))
    assert open_steps == {1, 2, 3, 4, 5}
    assert Case.objects.filter(status="completed", checkins__isnull=False).exists()
    assert Case.objects.filter(risk="high", step=3, safety_approval__isnull=True).exists()
    assert PlanSignoff.objects.filter(decision="changes_requested").exists()
    assert RoleSwapShift.objects.filter(state="declined").exists()
    assert RestorativeMeeting.objects.filter(state="skipped").exists()


def test_the_demo_has_a_published_questionnaire_for_each_role_before_and_after(db):
    from questionnaires.models import QuestionnaireUse

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    uses = set(
        QuestionnaireUse.objects.filter(questionnaire__versions__published_at__isnull=False).values_list(
            "role", "moment"
        )
    )
    assert {("customer", "before_reflection"), ("customer", "at_completion")} <= uses
    assert {("agent", "before_plan"), ("agent", "after_meeting")} <= uses
    assert {("business", "before_plan"), ("business", "after_meeting")} <= uses
    assert QuestionnaireUse.objects.values("questionnaire").distinct().count() == 3


def test_generated_cases_fill_the_before_and_after_figures_for_every_role(db):
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    from questionnaires import research

    call_command("seed_demo", "--cases", "300", stdout=StringIO())

    changes = research.before_after(
        Case.objects.all(), since=datetime(2000, 1, 1, tzinfo=UTC), until=timezone.now() + timedelta(days=1)
    )
    shown = {change.role for change in changes if not change.suppressed}
    assert shown == {"customer", "agent", "business"}
    assert all(change.change > 0 for change in changes if not change.suppressed)
