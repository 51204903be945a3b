"""The step panels on the case page: what they show, what they offer, and what they refuse."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from reconciliation import services
from reconciliation.models import Reflection, RoleSwapShift
from tests.factories import CaseEventFactory, full_case

from .journey import ANSWERS, PLAN, person, propose_shift, soon, walk_to_plan, walk_to_role_swap


def act(client, case, action, data=None, **kwargs):
    return client.post(reverse("reconciliation:act", args=[case.reference, action]), data or {}, **kwargs)


def page(client, case) -> str:
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_reflection_is_written_saved_and_submitted_from_the_case_page(caseworker_client, open_case):
    act(caseworker_client, open_case, "reflection-save", {"what_happened": "A bad day"})
    assert Reflection.objects.get(case=open_case).what_happened == "A bad day"
    assert "A bad day" in page(caseworker_client, open_case)

    act(caseworker_client, open_case, "reflection-submit", ANSWERS)
    body = page(caseworker_client, open_case)
    assert "waiting for the caseworker&#x27;s review" in body
    assert "Mark as reviewed" in body

    act(caseworker_client, open_case, "reflection-review", {"note": "Thoughtful"})
    open_case.refresh_from_db()
    assert open_case.step == Case.Step.PLAN


def test_an_incomplete_reflection_is_refused_with_the_reason_and_keeps_what_was_typed(caseworker_client, open_case):
    response = act(caseworker_client, open_case, "reflection-submit", {"what_happened": "Only <b>this</b>"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Please answer every question before submitting" in body
    assert "Only &lt;b&gt;this&lt;/b&gt;" in body
    reflection = Reflection.objects.filter(case=open_case).first()
    assert reflection is None or reflection.state == Reflection.State.DRAFT


def test_a_form_sent_without_what_it_needs_marks_the_fields_and_says_why(caseworker_client, open_case):
    response = act(caseworker_client, open_case, "consent", {"consent": "given"})

    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(r'<select name="participant"[^>]*class="[^"]*\bis-invalid\b', body)
    assert re.search(r'id="error_1_id_consent_participant">\s*<strong>This field is required.</strong>', body)
    assert not re.search(r'<select name="consent"[^>]*\bis-invalid\b', body)


def test_the_plan_panel_says_who_has_not_signed(caseworker_client, open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    plan = services.plan_create_version(case=open_case, by=caseworker, **PLAN)
    for role in ("customer", "agent"):
        services.plan_signoff(plan=plan, participant=person(open_case, role), decision="agreed", by=caseworker)

    body = page(caseworker_client, open_case)

    assert "2 of 3 sign-offs on version 1: waiting for the business representative (Dana Owner)." in body


def test_a_forced_post_for_an_action_of_another_step_is_refused(caseworker_client, open_case):
    response = act(caseworker_client, open_case, "plan-version", {**PLAN, "meeting_format": "video"})

    assert response.status_code == 400
    assert "this belongs to plan" in response.content.decode()
    assert not open_case.plans.exists()


def test_signing_an_old_version_through_the_page_is_refused(caseworker_client, open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    old = services.plan_create_version(case=open_case, by=caseworker, **PLAN)
    services.plan_create_version(case=open_case, by=caseworker, **PLAN)

    response = act(
        caseworker_client,
        open_case,
        "plan-signoff",
        {"plan": old.pk, "participant": person(open_case, "customer").pk, "decision": "agreed"},
    )

    assert response.status_code == 400
    assert "the plan is now at version 2" in response.content.decode()


def test_a_shift_of_another_case_cannot_be_reached_through_this_case(caseworker_client, caseworker):
    mine, theirs = full_case(caseworker=caseworker), full_case()
    for case in (mine, theirs):
        walk_to_role_swap(case, caseworker)
    shift = propose_shift(theirs, caseworker, start=24, end=28, role="Cook", location="x", supervisor_on_site="y")

    response = act(caseworker_client, mine, "shift-confirm", {"shift": shift.pk})

    assert response.status_code == 400
    shift.refresh_from_db()
    assert shift.state == RoleSwapShift.State.PROPOSED


def test_another_caseworker_gets_404_for_every_action(client, outsider_caseworker, open_case):
    client.force_login(outsider_caseworker)

    response = act(client, open_case, "reflection-save", {"what_happened": "x"})

    assert response.status_code == 404
    assert not Reflection.objects.filter(case=open_case).exists()


def test_an_unknown_action_is_404(caseworker_client, open_case):
    assert act(caseworker_client, open_case, "launch-rockets").status_code == 404


def test_a_shift_is_proposed_confirmed_and_attended_from_the_case_page(caseworker_client, open_case, caseworker):
    walk_to_role_swap(open_case, caseworker, role_swap_hours=Decimal(4))
    start, end = soon(24), soon(28)
    fmt = "%Y-%m-%dT%H:%M"
    from django.utils import timezone

    act(
        caseworker_client,
        open_case,
        "shift-propose",
        {
            "starts_at": timezone.localtime(start).strftime(fmt),
            "ends_at": timezone.localtime(end).strftime(fmt),
            "role": "Cashier",
            "location": "Main St",
            "supervisor_on_site": "Dana",
        },
    )
    shift = open_case.shifts.get()
    assert "Business confirms" in page(caseworker_client, open_case)

    act(caseworker_client, open_case, "shift-confirm", {"shift": shift.pk})
    with time_machine.travel(soon(29)):
        act(caseworker_client, open_case, "shift-attendance", {"shift": shift.pk, "attended": "yes", "hours": "4"})

    open_case.refresh_from_db()
    assert open_case.step == Case.Step.MEETING


def test_a_high_risk_case_shows_the_approval_to_the_supervisor_only(client, caseworker, supervisor):
    case = full_case(caseworker=caseworker, risk=Case.Risk.HIGH)
    walk_to_role_swap(case, caseworker)

    client.force_login(caseworker)
    body = page(client, case)
    assert "Waiting for a supervisor." in body
    assert "Propose a shift" not in body

    client.force_login(supervisor)
    assert f'action="/cases/{case.reference}/act/safety-approve/"' in page(client, case)
    act(client, case, "safety-approve", {"note": "Manager on site"})
    assert "Propose a shift" in page(client, case)


def _case_at(stage: int, caseworker) -> Case:
    """A case at step ``stage`` (1-5), or completed for 6, walked there by the services."""
    from tests.reconciliation.test_rules import schedule, walk_to_meeting

    case = full_case(caseworker=caseworker)
    if stage == 2:
        walk_to_plan(case, caseworker)
        services.plan_create_version(case=case, by=caseworker, **PLAN)
    elif stage == 3:
        walk_to_role_swap(case, caseworker)
        propose_shift(case, caseworker, start=24, end=28, role="Cook", location="x", supervisor_on_site="y")
    elif stage >= 4:
        walk_to_meeting(case, caseworker)
        schedule(case, caseworker, hours=2)
    if stage >= 5:
        with time_machine.travel(soon(3)):
            services.meeting_record_outcome(
                case=case,
                by=caseworker,
                gratitude_expressed=True,
                acknowledgment_expressed=True,
                minutes=75,
                ownership_expressed=False,
                notes="Good.",
            )
        services.commitments_draft(case=case, commitments="Calm", off_limits="Threats", by=caseworker)
    if stage == 6:
        services.commitments_agree(case=case, by=caseworker)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5, 6])
def test_each_panel_renders_with_a_query_count_that_does_not_grow_with_the_timeline(
    caseworker_client, caseworker, stage
):
    case = _case_at(stage, caseworker)
    assert case.step == min(stage, 5)
    assert case.status == (Case.Status.COMPLETED if stage == 6 else Case.Status.OPEN)

    with CaptureQueriesContext(connection) as first:
        body = page(caseworker_client, case)
    CaseEventFactory.create_batch(30, case=case)
    with CaptureQueriesContext(connection) as second:
        page(caseworker_client, case)

    assert f'id="step-{case.step}"' in body
    assert len(second) == len(first)
    assert len(first) <= 30


def test_the_page_opens_when_the_reviewers_account_is_gone(caseworker_client, open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    Reflection.objects.filter(case=open_case).update(reviewed_by=None)  # what deleting the account leaves

    html = page(caseworker_client, open_case)

    assert "reviewed" in html


def test_a_shifts_rarely_used_forms_are_links_that_open_that_form_on_that_shift(
    caseworker_client, open_case, caseworker
):
    walk_to_role_swap(open_case, caseworker)
    shift = propose_shift(open_case, caseworker)
    body = page(caseworker_client, open_case)

    assert f'href="?form=shift-decline&amp;row={shift.pk}#shift-{shift.pk}"' in body
    assert 'href="?form=shift-propose#shift-propose"' in body
    assert "/act/shift-decline/" not in body
    assert "/act/shift-propose/" not in body

    asked = caseworker_client.get(open_case.get_absolute_url(), {"form": "shift-decline", "row": shift.pk})
    assert "/act/shift-decline/" in asked.content.decode()
    asked = caseworker_client.get(open_case.get_absolute_url(), {"form": "shift-propose"})
    assert "/act/shift-propose/" in asked.content.decode()


def test_a_refused_shift_form_comes_back_drawn_with_its_error(caseworker_client, open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    shift = propose_shift(open_case, caseworker)

    response = act(caseworker_client, open_case, "shift-decline", {"shift": shift.pk, "reason": ""})

    assert response.status_code == 400
    assert "/act/shift-decline/" in response.content.decode()


def test_the_case_page_names_who_approved_a_high_risk_case_with_the_case_itself(supervisor_client, supervisor):
    case = full_case(risk=Case.Risk.HIGH)
    before = _case_page_queries(supervisor_client, case)
    services.safety_approve(case=case, note="A manager will be on site.", by=supervisor)

    queries = _case_page_queries(supervisor_client, case)
    body = supervisor_client.get(case.get_absolute_url()).content.decode()
    assert f"Safety approval by {supervisor.get_full_name()}" in body
    assert "A manager will be on site." in body
    assert queries == before  # who approved comes with the case's own row


def _case_page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.get_absolute_url()).status_code == 200
    return len(queries)
