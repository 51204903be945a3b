"""The dashboard: what needs a caseworker today, and across everyone for a supervisor."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from cases import counts
from cases.models import CalendarFeed, Case, Participant
from notifications.models import Reminder
from reconciliation import services
from reconciliation.models import (
    CheckIn,
    PlanSignoff,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
)
from reporting import calendar_feed, dashboard
from reporting.dashboard.agenda import AGENDA, CHECKINS_AND_TASKS
from reporting.dashboard.staff import CASELOADS
from reporting.dashboard.tiles import PREPARED_FIGURES, PREPARED_TILES
from tests.cases.program_data import at, case_with_people, checkin, meeting, plan, reflection, reminder, shift, signoff
from tests.factories import CaseFactory, CaseworkerFactory, UserFactory

DASHBOARD = reverse("reporting:dashboard")


def _person(case, role):
    return case.participants.get(role=role)


@pytest.fixture
def known_day(caseworker, outsider_caseworker, supervisor):
    """Casey's cases, each placed to count (or on purpose not to count) on one tile."""
    now = timezone.now()
    today = timezone.localdate()
    cases = {}

    def make(name, caseworker=caseworker, **fields):
        cases[name] = case_with_people(caseworker=caseworker, **fields)
        return cases[name]

    reflection(make("submitted"))  # counts: reflection to review
    reflection(make("draft"), state=Reflection.State.DRAFT)
    reflection(make("paused_submitted", status=Case.Status.PAUSED))  # a paused case waits

    waiting = make("plan_waiting", step=Case.Step.PLAN)  # counts: sign-off missing
    plan(waiting, version=1)
    current = plan(waiting, version=2)
    signoff(current, _person(waiting, "customer"))
    signoff(current, _person(waiting, "agent"))
    signoff(waiting.plans.get(version=1), _person(waiting, "business"))  # an old version does not count

    signed = make("plan_signed", step=Case.Step.PLAN)
    declined = _person(signed, "business")
    declined.consent = Participant.Consent.DECLINED  # a business that declined is not asked to sign
    declined.save()
    signed_plan = plan(signed)
    signoff(signed_plan, _person(signed, "customer"))
    signoff(signed_plan, _person(signed, "agent"))

    swap = make("role_swap_high_risk", step=Case.Step.ROLE_SWAP, risk=Case.Risk.HIGH)  # counts: approval
    shift(swap, now + timedelta(days=2))  # counts: waiting, upcoming
    shift(swap, now + timedelta(days=3), state=RoleSwapShift.State.COUNTER_PROPOSED)  # counts: waiting, upcoming
    shift(swap, now + timedelta(days=5), state=RoleSwapShift.State.CONFIRMED)  # counts: upcoming
    shift(swap, now + timedelta(days=9), state=RoleSwapShift.State.CONFIRMED)  # beyond the week
    shift(swap, now + timedelta(days=1), state=RoleSwapShift.State.DECLINED)

    approved = make("role_swap_approved", step=Case.Step.ROLE_SWAP, risk=Case.Risk.HIGH)
    SafetyApproval.objects.create(case=approved, approved_by=supervisor, note="ok")
    make("high_risk_at_step_1", risk=Case.Risk.HIGH)  # nothing to schedule yet

    quiet = make("meeting_soon", step=Case.Step.MEETING, last_activity_at=now - timedelta(days=20))  # counts: quiet
    meeting(quiet, now + timedelta(days=2))  # counts: upcoming meeting
    make("paused_quiet", status=Case.Status.PAUSED, last_activity_at=now - timedelta(days=30))

    done = make("completed", status=Case.Status.COMPLETED, step=Case.Step.COMMITMENTS)
    checkin(done, 30, today - timedelta(days=1))  # counts: overdue
    checkin(done, 90, today + timedelta(days=5))  # counts: due this week
    checkin(done, 180, today + timedelta(days=95))
    checkin(done, 14, today - timedelta(days=3), state=CheckIn.State.DONE)

    failing = make("reminder_failed")
    reminder(failing)  # counts: failed reminder
    reminder(failing, state=Reminder.State.SENT)
    reminder(failing, state=Reminder.State.SCHEDULED, kind=Reminder.Kind.IDLE)

    theirs = make("outsiders", caseworker=outsider_caseworker, last_activity_at=now - timedelta(days=15))
    reflection(theirs)  # another caseworker's: only the supervisor sees it
    reminder(theirs)
    return cases


def _tiles(response) -> dict[str, int]:
    return {tile.key: tile.count for tile in response.context["tiles"]}


def test_each_tile_counts_what_it_says(caseworker_client, known_day):
    response = caseworker_client.get(DASHBOARD)

    assert response.status_code == 200
    assert _tiles(response) == {
        "reflections": 1,
        "spoke_up": 0,
        "unreachable": 0,
        "signoffs": 1,
        "shifts": 2,
        "approvals": 1,
        "caseworker_gone": 0,
        "reminders": 1,
        "quiet": 1,
    }
    assert response.context["shift_count"] == 3
    assert response.context["meeting_count"] == 1
    assert response.context["checkin_count"] == 2


def test_the_tiles_list_the_cases_to_act_on(caseworker_client, known_day):
    page = caseworker_client.get(DASHBOARD).content.decode()

    for name in ["submitted", "plan_waiting", "role_swap_high_risk", "meeting_soon", "completed", "reminder_failed"]:
        assert known_day[name].reference in page, name
    for name in ["draft", "plan_signed", "role_swap_approved", "paused_quiet", "outsiders"]:
        assert known_day[name].reference not in page, name
    assert "other time proposed" in page
    assert "overdue</span>" in page
    assert "reflection not submitted to " in page


def test_the_pipeline_counts_open_cases_per_step_and_links_to_the_same_list(caseworker_client, known_day):
    response = caseworker_client.get(DASHBOARD)
    steps = {step["step"]: step for step in response.context["steps"]}

    assert {number: step["count"] for number, step in steps.items()} == {1: 4, 2: 2, 3: 2, 4: 1, 5: 0}
    for step in steps.values():
        listed = caseworker_client.get(step["url"]).content.decode()
        assert listed.count('<td><a href="/cases/CCP-') == step["count"], step["url"]
    statuses = {status["label"]: status["count"] for status in response.context["statuses"]}
    assert statuses == {"Paused": 2, "Completed": 1, "Withdrawn": 0, "Closed": 0}


def test_a_supervisor_sees_every_caseworker_and_their_case_loads(supervisor_client, known_day, caseworker):
    response = supervisor_client.get(DASHBOARD)

    assert _tiles(response) == {
        "reflections": 2,
        "spoke_up": 0,
        "unreachable": 0,
        "signoffs": 1,
        "shifts": 2,
        "approvals": 1,
        "caseworker_gone": 0,
        "reminders": 2,
        "quiet": 2,
    }
    loads = {person.username: person for person in response.context["caseloads"]}
    casey = loads["casey"]
    assert (casey.step_1, casey.step_2, casey.step_3, casey.step_4, casey.step_5) == (4, 2, 2, 1, 0)
    assert (casey.open_cases, casey.paused_cases, casey.high_risk, casey.quiet) == (9, 2, 3, 1)
    assert (loads["outsider"].open_cases, loads["outsider"].quiet) == (1, 1)
    assert loads["sam"].open_cases == 0


def test_a_supervisor_looks_at_one_caseworkers_dashboard(supervisor_client, known_day, outsider_caseworker):
    response = supervisor_client.get(DASHBOARD, {"caseworker": outsider_caseworker.pk})

    assert _tiles(response) == {
        "reflections": 1,
        "spoke_up": 0,
        "unreachable": 0,
        "signoffs": 0,
        "shifts": 0,
        "approvals": 0,
        "caseworker_gone": 0,
        "reminders": 1,
        "quiet": 1,
    }
    assert response.context["caseloads"] is None
    assert f"caseworker={outsider_caseworker.pk}" in response.context["steps"][0]["url"]


def test_the_cases_of_a_deactivated_caseworker_show_on_the_supervisors_dashboard(
    supervisor_client, known_day, outsider_caseworker
):
    outsider_caseworker.is_active = False
    outsider_caseworker.save()

    response = supervisor_client.get(DASHBOARD)

    assert _tiles(response)["caseworker_gone"] == 1
    tile = next(tile for tile in response.context["tiles"] if tile.key == "caseworker_gone")
    assert tile.items[0]["reference"] == known_day["outsiders"].reference
    assert "Cases needing a new caseworker" in response.content.decode()


def test_an_unknown_caseworker_is_not_understood_and_everyone_is_shown(supervisor_client, known_day):
    response = supervisor_client.get(DASHBOARD, {"caseworker": "99999"})

    assert "Some filters were not understood" in response.content.decode()
    assert _tiles(response)["reflections"] == 2


def test_a_caseworker_cannot_look_at_someone_elses_dashboard(caseworker_client, known_day, outsider_caseworker):
    response = caseworker_client.get(DASHBOARD, {"caseworker": outsider_caseworker.pk})

    assert _tiles(response)["reflections"] == 1
    assert known_day["outsiders"].reference not in response.content.decode()


def test_the_home_page_is_the_dashboard(caseworker_client):
    assert caseworker_client.get(reverse("home"))["Location"] == DASHBOARD


def test_an_account_without_a_staff_role_gets_a_404(client, db):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(DASHBOARD).status_code == 404


# ---------------------------------------------------------------- query counts


def _busy_case(caseworker, index: int) -> Case:
    """A case that shows on every tile and list of the dashboard."""
    now = timezone.now()
    case = case_with_people(
        caseworker=caseworker,
        step=Case.Step.ROLE_SWAP,
        risk=Case.Risk.HIGH,
        last_activity_at=now - timedelta(days=20),
    )
    reflection(case)
    reminder(case)
    shift(case, now + timedelta(days=1, hours=index % 12))
    other = case_with_people(caseworker=caseworker, step=Case.Step.PLAN)
    signoff(plan(other), _person(other, "customer"))
    meeting(other, now + timedelta(days=2), state=RestorativeMeeting.State.SCHEDULED)
    checkin(other, 30, timezone.localdate())
    return case


def _queries(client, url=DASHBOARD, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["caseworker", "supervisor", "supervisor looking at a caseworker"])
def test_the_dashboards_query_count_does_not_grow_with_the_number_of_cases(client, caseworker, supervisor, persona):
    client.force_login(caseworker if persona == "caseworker" else supervisor)
    chosen = {"caseworker": caseworker.pk} if persona.endswith("a caseworker") else {}
    _busy_case(caseworker, 0)
    with_one = _queries(client, **chosen)

    for index in range(1, 50):
        _busy_case(caseworker if index % 2 else CaseworkerFactory(), index)
    with_fifty = _queries(client, **chosen)

    assert with_one == with_fifty
    assert with_fifty <= 14


def test_a_new_case_shows_in_the_pipeline(caseworker_client, caseworker):
    CaseFactory(caseworker=caseworker)

    response = caseworker_client.get(DASHBOARD)

    assert response.context["steps"][0]["count"] == 1
    assert response.context["open_cases"] == 1


# ---------------------------------------------------------------- sign-offs missing


def _signoffs(client) -> dict[str, object]:
    """The "Sign-offs missing" tile: its count and the references it lists, with what follows each."""
    tile = next(tile for tile in client.get(DASHBOARD).context["tiles"] if tile.key == "signoffs")
    return {"count": tile.count, "listed": {item["reference"]: item["plan_version"] for item in tile.items}}


@pytest.fixture
def plan_case(caseworker):
    """A case at the plan step, with its customer, a consenting business and a consenting agent."""
    return case_with_people(caseworker=caseworker, step=Case.Step.PLAN)


def test_a_plan_missing_one_required_signoff_waits_on_the_dashboard(caseworker_client, plan_case):
    current = plan(plan_case)
    signoff(current, _person(plan_case, "customer"))
    signoff(current, _person(plan_case, "agent"))

    assert _signoffs(caseworker_client) == {"count": 1, "listed": {plan_case.reference: 1}}
    page = caseworker_client.get(DASHBOARD).content.decode()
    assert f'<a href="{plan_case.get_absolute_url()}">{plan_case.reference}</a>' in page
    assert "plan v1 since" in page


def test_a_plan_leaves_the_tile_once_every_required_signer_agreed(caseworker_client, plan_case):
    current = plan(plan_case)
    signoff(current, _person(plan_case, "customer"))
    signoff(current, _person(plan_case, "agent"))
    business = signoff(current, _person(plan_case, "business"), decision=PlanSignoff.Decision.CHANGES_REQUESTED)
    assert _signoffs(caseworker_client)["count"] == 1  # asking for changes is not agreeing

    business.decision = PlanSignoff.Decision.AGREED
    business.save()

    assert _signoffs(caseworker_client) == {"count": 0, "listed": {}}


def test_a_new_plan_version_brings_the_case_back_to_the_tile(caseworker_client, plan_case):
    first = plan(plan_case)
    for role in ["customer", "business", "agent"]:
        signoff(first, _person(plan_case, role))
    assert _signoffs(caseworker_client)["count"] == 0

    second = plan(plan_case, version=2)

    assert _signoffs(caseworker_client) == {"count": 1, "listed": {plan_case.reference: 2}}
    for role in ["customer", "business", "agent"]:
        signoff(second, _person(plan_case, role))
    assert _signoffs(caseworker_client)["count"] == 0


def test_only_the_required_signers_are_waited_for(caseworker_client, plan_case):
    business, agent = _person(plan_case, "business"), _person(plan_case, "agent")
    business.consent = Participant.Consent.WITHDRAWN
    business.save()
    agent.consent = Participant.Consent.PENDING  # an agent who has not agreed to take part is not asked
    agent.save()
    current = plan(plan_case)
    assert _signoffs(caseworker_client)["count"] == 1  # the customer has not signed

    signoff(current, _person(plan_case, "customer"))

    assert _signoffs(caseworker_client)["count"] == 0


def test_a_plan_waits_on_the_dashboard_until_the_last_signer_agrees_through_the_services(
    caseworker_client, caseworker, plan_case
):
    current = services.plan_create_version(
        case=plan_case,
        by=caseworker,
        goals_redemption="Own it.",
        goals_empathy="See the job.",
        goals_reconciliation="Meet.",
        role_swap_hours=8,
        personal_time_with_agent=False,
        meeting_format="in_person",
    )
    for role in ["customer", "business"]:
        services.plan_signoff(plan=current, participant=_person(plan_case, role), decision="agreed", by=caseworker)
    assert _signoffs(caseworker_client) == {"count": 1, "listed": {plan_case.reference: 1}}

    services.plan_signoff(plan=current, participant=_person(plan_case, "agent"), decision="agreed", by=caseworker)

    assert _signoffs(caseworker_client)["count"] == 0


def test_sign_offs_on_cases_past_the_plan_step_or_paused_do_not_wait(caseworker_client, caseworker):
    for fields in [{"step": Case.Step.ROLE_SWAP}, {"step": Case.Step.PLAN, "status": Case.Status.PAUSED}]:
        plan(case_with_people(caseworker=caseworker, **fields))

    assert _signoffs(caseworker_client)["count"] == 0


# ---------------------------------------------------------------- the same queries, each request its own values


def test_caseworkers_one_after_the_other_each_see_only_their_own_cases(client, caseworker, outsider_caseworker):
    mine, theirs = case_with_people(caseworker=caseworker), case_with_people(caseworker=outsider_caseworker)
    for case in [mine, theirs]:
        reflection(case)
        reminder(case)
    reflection(case_with_people(caseworker=outsider_caseworker))

    for person, own, other, reflections in [
        (caseworker, mine, theirs, 1),
        (outsider_caseworker, theirs, mine, 2),
        (caseworker, mine, theirs, 1),
    ]:
        client.force_login(person)
        response = client.get(DASHBOARD)
        page = response.content.decode()

        assert _tiles(response)["reflections"] == reflections
        assert _tiles(response)["reminders"] == 1
        assert own.reference in page
        assert other.reference not in page


def test_a_supervisor_switches_between_caseworkers(supervisor_client, caseworker, outsider_caseworker):
    mine, theirs = case_with_people(caseworker=caseworker), case_with_people(caseworker=outsider_caseworker)
    reflection(mine)
    reflection(theirs)

    for chosen, own, other in [(caseworker, mine, theirs), (outsider_caseworker, theirs, mine)]:
        page = supervisor_client.get(DASHBOARD, {"caseworker": chosen.pk}).content.decode()
        assert own.reference in page
        assert other.reference not in page
    assert _tiles(supervisor_client.get(DASHBOARD))["reflections"] == 2


def test_the_dashboard_follows_the_clock(caseworker_client, caseworker):
    def figures() -> tuple[int, int, int]:
        response = caseworker_client.get(DASHBOARD)
        return _tiles(response)["quiet"], response.context["shift_count"], response.context["checkin_count"]

    with time_machine.travel(at(2026, 3, 2, 9), tick=False) as traveller:
        now = timezone.now()
        case = case_with_people(caseworker=caseworker, step=Case.Step.ROLE_SWAP, last_activity_at=now)
        shift(case, now + timedelta(days=9))
        checkin(case, 30, timezone.localdate() + timedelta(days=10))
        assert figures() == (0, 0, 0)

        traveller.shift(timedelta(days=3))
        assert figures() == (0, 1, 1)  # the shift and the check-in come within the week

        traveller.shift(timedelta(days=dashboard.QUIET_DAYS - 3 + 1))
        assert figures() == (1, 0, 1)  # quiet for two weeks; the shift is past; the check-in overdue


def test_what_piles_up_on_a_tile_is_counted_up_to_the_cap(supervisor_client, caseworker, monkeypatch):
    monkeypatch.setattr(counts, "CAP", 2)
    long_ago = timezone.now() - timedelta(days=30)
    for _ in range(4):
        reminder(case_with_people(caseworker=caseworker, last_activity_at=long_ago))

    response = supervisor_client.get(DASHBOARD)

    tiles = {tile.key: tile for tile in response.context["tiles"]}
    assert (str(tiles["quiet"].count), str(tiles["reminders"].count)) == ("2+", "2+")
    assert len(tiles["quiet"].items) == 4


@pytest.mark.parametrize("persona", ["caseworker", "supervisor"])
def test_the_dashboard_shows_the_users_own_calendar_feed(client, caseworker, supervisor, persona):
    user = caseworker if persona == "caseworker" else supervisor
    client.force_login(user)
    assert "Create my calendar address" in client.get(DASHBOARD).content.decode()

    with time_machine.travel(at(2026, 2, 3), tick=False):
        calendar_feed.calendar_feed_reset(user=user)
    calendar_feed.calendar_feed_reset(user=caseworker if persona == "supervisor" else supervisor)
    response = client.get(DASHBOARD)

    assert response.context["calendar_feed"] == CalendarFeed.objects.get(user=user)
    assert "through a secret address created on 2026-02-03." in response.content.decode()


# ---------------------------------------------------------------- links and dates as the template writes them


def test_every_case_on_the_dashboard_links_to_its_page(caseworker_client, caseworker):
    _busy_case(caseworker, 0)  # on every tile, the agenda and the check-ins

    page = caseworker_client.get(DASHBOARD).content.decode()

    links = re.findall(r'<a href="([^"#]*)(?:#[a-z]+)?">(CCP-[^<]*)</a>', page)
    assert len(links) == 9  # six tiles, a shift and a meeting on the agenda, a check-in
    for url, reference in links:
        assert url == Case.objects.get(reference=reference).get_absolute_url()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_agenda_and_check_in_dates_read_as_the_date_filter_writes_them(language):
    labels = dashboard.DateLabels()
    moments = [at(2026, 3, 8, 1), at(2026, 3, 8, 23), datetime(2026, 11, 1, 5, 59, tzinfo=UTC)]
    with translation.override(language):
        for moment in moments:
            local = timezone.localtime(moment)
            assert labels.moment(moment) == formats.date_format(local, "D M j, H:i")
            assert labels.time(moment) == formats.date_format(local, "H:i")
            assert labels.day(local.date(), "M j") == formats.date_format(local.date(), "M j")


@pytest.mark.parametrize("everyone", [True, False])
def test_the_prepared_figures_agenda_and_lists_read_what_their_statements_built_afresh_read(
    known_day, caseworker, everyone
):
    moment = dashboard.Moment(now=timezone.now(), today=timezone.localdate())
    values = {"caseworker": None if everyone else caseworker.pk, **moment.values()}
    statements = {
        "figures": (PREPARED_FIGURES[everyone], (counts.CAP, settings.SMS_ENABLED)),
        "agenda": (AGENDA[everyone], (25,)),
        "checkins and tasks": (CHECKINS_AND_TASKS[everyone], (25, not everyone)),
    }
    for name, (prepared, shape) in statements.items():
        rows = prepared.rows(shape=shape, **values)
        assert rows == prepared.built_rows(shape=shape, **values), name
        assert rows, f"the known day has {name}"
    [figures] = PREPARED_FIGURES[everyone].rows(shape=(counts.CAP, settings.SMS_ENABLED), **values)
    assert figures["step_1"] > 0


def test_the_prepared_case_loads_read_what_their_plain_queryset_reads(known_day):
    quiet_since = dashboard.Moment(now=timezone.now(), today=timezone.localdate()).quiet_since
    plain = list(CASELOADS.queryset(quiet_since=quiet_since))
    prepared = CASELOADS.rows(quiet_since=quiet_since)

    def counts(person):
        feed = getattr(person, "calendar_feed", None)
        return (person.username, feed, person.step_1, person.step_2, person.quiet, person.high_risk)

    assert [counts(person) for person in prepared] == [counts(person) for person in plain]
    assert any(person.quiet for person in prepared), "the known day has a quiet case"


@pytest.mark.parametrize("everyone", [True, False])
def test_each_prepared_tile_reads_what_its_plain_queryset_reads(known_day, caseworker, everyone):
    moment = dashboard.Moment(now=timezone.now(), today=timezone.localdate())
    values = {"caseworker": None if everyone else caseworker.pk, **moment.values()}
    for (key, for_everyone), prepared in PREPARED_TILES.items():
        if for_everyone == everyone:
            rows = prepared.rows(**values)
            assert rows == list(prepared.queryset(**values)), key
            assert rows or key == "caseworker_gone", f"the known day has something on the {key} tile"
