"""The portal through personal links: each participant's journey, and what each may never see or do."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import links
from cases.models import CaseEvent, Participant
from reconciliation import services
from reconciliation.models import MAX_ANSWER_LENGTH, CheckIn, PlanSignoff, Reflection, RoleSwapShift
from tests.factories import full_case
from tests.reconciliation.journey import ANSWERS, PLAN, propose_shift, soon, walk_to_plan, walk_to_role_swap


@pytest.fixture
def case(caseworker):
    case = full_case(caseworker=caseworker)
    Participant.objects.filter(case=case, role="customer").update(email="alex.private@example.com", phone="555-0123")
    return case


def person(case, role) -> Participant:
    return case.participants.get(role=role)


def url(case, role, page="home", **kwargs) -> str:
    _link, token = links.link_issue(participant=person(case, role), by=None)
    return reverse(f"portal:{page}", kwargs={"token": token, **kwargs})


def swap(link_url: str, page: str) -> str:
    """The same token, another portal page."""
    token = link_url.split("/")[2]
    return reverse(f"portal:{page}", kwargs={"token": token})


# ---------------------------------------------------------------- the customer


def test_the_customer_writes_saves_and_submits_the_reflection(client, case):
    page = url(case, "customer", "reflection")

    welcome = client.get(swap(page, "home")).content.decode()
    assert "Write your reflection." in welcome

    client.post(page, {"what_happened": "A bad day", "save": "1"})
    assert Reflection.objects.get(case=case).what_happened == "A bad day"
    assert "A bad day" in client.get(page).content.decode()

    response = client.post(page, {**ANSWERS, "submit": "1"}, follow=True)
    assert "Your reflection is submitted" in response.content.decode()
    reflection = Reflection.objects.get(case=case)
    assert reflection.state == Reflection.State.SUBMITTED
    event = case.events.filter(kind=CaseEvent.Kind.REFLECTION).first()
    assert event.actor_participant == person(case, "customer")


def test_submitting_twice_is_harmless(client, case):
    page = url(case, "customer", "reflection")
    client.post(page, {**ANSWERS, "submit": "1"})

    response = client.post(page, {**ANSWERS, "what_happened": "changed", "submit": "1"}, follow=True)

    assert "already submitted" in response.content.decode()
    assert Reflection.objects.get(case=case).what_happened == ANSWERS["what_happened"]
    assert case.events.filter(kind=CaseEvent.Kind.REFLECTION).count() == 1


def test_an_incomplete_submission_keeps_every_answer_as_a_draft(client, case):
    page = url(case, "customer", "reflection")

    response = client.post(page, {"what_happened": "Only this <script>alert(1)</script>", "submit": "1"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Please answer every question" in body
    assert "Only this &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body
    reflection = Reflection.objects.get(case=case)
    assert (reflection.state, reflection.what_happened) == ("draft", "Only this <script>alert(1)</script>")


def test_an_overlong_answer_is_refused_with_the_limit_and_the_text_is_kept(client, case):
    page = url(case, "customer", "reflection")
    long_text = "x" * (MAX_ANSWER_LENGTH + 1)

    response = client.post(page, {**ANSWERS, "regrets": long_text, "save": "1"})

    assert response.status_code == 400
    assert f"under {MAX_ANSWER_LENGTH} characters" in response.content.decode()
    assert long_text in response.content.decode()
    assert not Reflection.objects.filter(case=case).exists()


def test_the_draft_autosaves_and_saving_twice_keeps_the_latest(client, case):
    page = url(case, "customer", "reflection")

    first = client.post(page, {"regrets": "first"}, headers={"X-Autosave": "1"})
    second = client.post(page, {"regrets": "second"}, headers={"X-Autosave": "1"})

    assert first.json()["saved"]
    assert second.json()["saved"]
    assert Reflection.objects.get(case=case).regrets == "second"


def test_the_customer_agrees_to_the_plan_and_sees_their_answer(client, case, caseworker):
    walk_to_plan(case, caseworker)
    plan = services.plan_create_version(case=case, by=caseworker, **PLAN)
    page = url(case, "customer", "plan")

    client.post(page, {"plan": plan.pk, "decision": "agreed", "signature": person(case, "customer").name})

    assert PlanSignoff.objects.get(plan=plan, participant=person(case, "customer")).decision == "agreed"
    assert "You agreed to this version." in client.get(page).content.decode()


def test_an_answer_to_an_old_plan_version_is_refused_and_the_new_version_shown(client, case, caseworker):
    walk_to_plan(case, caseworker)
    old = services.plan_create_version(case=case, by=caseworker, **PLAN)
    services.plan_create_version(case=case, by=caseworker, **{**PLAN, "goals_empathy": "Version two goals"})
    page = url(case, "customer", "plan")

    response = client.post(page, {"plan": old.pk, "decision": "changes_requested", "comment": "Less hours please"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "the plan is now at version 2" in body
    assert "Version two goals" in body
    assert "Less hours please" in body
    assert not PlanSignoff.objects.exists()


def test_the_customer_sees_upcoming_shifts_with_a_calendar_file(client, case, caseworker):
    walk_to_role_swap(case, caseworker)
    shift = propose_shift(
        case, caseworker, start=24, end=28, role="Cashier", location="Main St store", supervisor_on_site="Dana"
    )
    page = url(case, "customer", "shifts")

    body = client.get(page).content.decode()
    ics = client.get(reverse("portal:shift_ics", kwargs={"token": page.split("/")[2], "shift_id": shift.pk}))

    for detail in ("Main St store", "Cashier", "Dana"):
        assert detail in body
    assert ics["Content-Type"] == "text/calendar"
    assert b"BEGIN:VEVENT" in ics.content


def test_the_customer_agrees_to_the_commitments_and_completes_the_case(client, case, supervisor, caseworker):
    for step in range(1, 5):
        services.step_skip(case=case, step=step, reason="Test", by=supervisor)
    services.commitments_draft(case=case, commitments="Breathe first", off_limits="Threats", by=caseworker)
    page = url(case, "customer", "commitments")

    assert "Breathe first" in client.get(page).content.decode()
    typed = {"signature": person(case, "customer").name}
    client.post(page, typed)
    client.post(page, typed)  # a double click

    case.refresh_from_db()
    assert case.status == "completed"
    assert case.events.filter(kind=CaseEvent.Kind.COMMITMENT, to_value="agreed").count() == 1


# ---------------------------------------------------------------- the business


def test_the_business_confirms_declines_and_answers_shifts_with_another_time(client, case, caseworker):
    walk_to_role_swap(case, caseworker)
    confirm, decline, counter = (
        propose_shift(case, caseworker, start=h, end=h + 4, role="Cook", location="Kitchen", supervisor_on_site="Dana")
        for h in (24, 48, 72)
    )
    page = url(case, "business", "shifts")
    local = lambda moment: timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")  # noqa: E731

    client.post(page, {"action": "confirm", "shift": confirm.pk})
    empty = client.post(page, {"action": "decline", "shift": decline.pk, "reason": ""})
    client.post(page, {"action": "decline", "shift": decline.pk, "reason": "Stocktaking day"})
    client.post(
        page, {"action": "counter", "shift": counter.pk, "starts_at": local(soon(96)), "ends_at": local(soon(100))}
    )

    assert empty.status_code == 400
    states = dict(case.shifts.values_list("pk", "state"))
    assert states == {
        confirm.pk: RoleSwapShift.State.CONFIRMED,
        decline.pk: RoleSwapShift.State.DECLINED,
        counter.pk: RoleSwapShift.State.COUNTER_PROPOSED,
    }
    assert case.events.filter(actor_participant=person(case, "business")).count() == 3


@pytest.mark.parametrize("year", [9999, 2100])
def test_another_time_years_ahead_is_refused_and_changes_nothing(client, case, caseworker, year):
    walk_to_role_swap(case, caseworker)
    shift = propose_shift(case, caseworker, start=24, end=28)
    page = url(case, "business", "shifts")

    response = client.post(
        page,
        {"action": "counter", "shift": shift.pk, "starts_at": f"{year}-12-31T18:00", "ends_at": f"{year}-12-31T22:00"},
    )

    assert response.status_code == 400
    assert "within the next 730 days" in response.content.decode()
    shift.refresh_from_db()
    assert (shift.state, shift.counter_starts_at) == (RoleSwapShift.State.PROPOSED, None)
    assert client.get(page).status_code == 200


def test_the_business_records_attendance_after_the_shift(client, case, caseworker):
    walk_to_role_swap(case, caseworker, role_swap_hours=Decimal(4))
    shift = propose_shift(case, caseworker, start=24, end=28, role="Cook", location="K", supervisor_on_site="D")
    services.shift_confirm(shift=shift, by=caseworker)
    page = url(case, "business", "shifts")

    assert "Record attendance" not in client.get(page).content.decode()
    with time_machine.travel(soon(29)):
        client.post(
            page, {"action": "attendance", "shift": shift.pk, "attended": "yes", "hours": "4", "feedback": "Great"}
        )

    shift.refresh_from_db()
    assert (shift.state, shift.minutes_attended, shift.business_feedback) == ("attended", 240, "Great")
    case.refresh_from_db()
    assert case.step == 4


def test_a_cancelled_shift_cannot_be_confirmed_through_the_portal(client, case, caseworker):
    walk_to_role_swap(case, caseworker)
    shift = propose_shift(case, caseworker, start=24, end=28, role="Cook", location="K", supervisor_on_site="D")
    services.shift_cancel(shift=shift, reason="Closed", by=caseworker)

    response = client.post(url(case, "business", "shifts"), {"action": "confirm", "shift": shift.pk})

    assert response.status_code == 400
    assert "cannot be confirmed" in response.content.decode()


def test_the_business_never_sees_the_reflection(client, case, caseworker):
    services.reflection_submit(case=case, answers=ANSWERS, by=caseworker)

    for page in ("home", "plan", "shifts", "consent"):
        response = client.get(url(case, "business", page))
        assert ANSWERS["regrets"] not in response.content.decode(), page
    assert client.get(url(case, "business", "reflection")).status_code == 404


# ---------------------------------------------------------------- the agent


def test_the_agent_consents_then_withdraws(client, case):
    agent = person(case, "agent")
    Participant.objects.filter(pk=agent.pk).update(consent="pending")
    page = url(case, "agent", "consent")

    client.post(page, {"consent": "given"})
    agent.refresh_from_db()
    assert agent.consent == "given"

    client.post(page, {"consent": "withdrawn"})
    agent.refresh_from_db()
    assert agent.consent == "withdrawn"
    assert case.events.filter(kind=CaseEvent.Kind.CONSENT, actor_participant=agent).count() == 2


def test_the_agent_never_sees_the_customers_contact_details(client, case, caseworker):
    walk_to_plan(case, caseworker)
    services.plan_create_version(case=case, by=caseworker, **PLAN)

    for page in ("home", "plan", "consent"):
        body = client.get(url(case, "agent", page)).content.decode()
        assert "alex.private@example.com" not in body, page
        assert "555-0123" not in body, page
    assert client.get(url(case, "agent", "shifts")).status_code == 404


def test_the_agent_adds_words_once_the_meeting_is_scheduled(client, case, caseworker):
    from tests.reconciliation.test_rules import schedule, walk_to_meeting

    walk_to_meeting(case, caseworker)
    schedule(case, caseworker)
    page = url(case, "agent", "meeting")

    client.post(page, {"words": "I accept the apology."})

    case.meeting.refresh_from_db()
    assert case.meeting.agent_words == "I accept the apology."


# ---------------------------------------------------------------- links and access


def test_a_link_of_one_case_cannot_read_or_change_another_case(client, case, caseworker):
    other = full_case(caseworker=caseworker)
    walk_to_role_swap(other, caseworker)
    shift = propose_shift(other, caseworker, start=24, end=28, role="Cook", location="K", supervisor_on_site="D")
    walk_to_role_swap(case, caseworker)
    page = url(case, "business", "shifts")

    assert "Cook" not in client.get(page).content.decode()
    response = client.post(page, {"action": "confirm", "shift": shift.pk})

    assert response.status_code == 400
    shift.refresh_from_db()
    assert shift.state == RoleSwapShift.State.PROPOSED
    ics = reverse("portal:shift_ics", kwargs={"token": page.split("/")[2], "shift_id": shift.pk})
    assert client.get(ics).status_code == 404


def test_a_link_cannot_act_as_another_participant_of_the_same_case(client, case, caseworker):
    walk_to_role_swap(case, caseworker)
    shift = propose_shift(case, caseworker, start=24, end=28, role="Cook", location="K", supervisor_on_site="D")
    customer_page = url(case, "customer", "shifts")

    response = client.post(customer_page, {"action": "confirm", "shift": shift.pk})

    assert response.status_code == 404
    shift.refresh_from_db()
    assert shift.state == RoleSwapShift.State.PROPOSED
    assert client.get(swap(customer_page, "consent")).status_code == 404


@pytest.mark.parametrize("how", ["expired", "revoked", "wrong"])
def test_a_link_that_does_not_work_gives_the_same_friendly_page(client, case, caseworker, how):
    page = url(case, "customer", "reflection")
    if how == "revoked":
        links.links_revoke(participant=person(case, "customer"), by=caseworker)
    elif how == "wrong":
        page = reverse("portal:reflection", kwargs={"token": "A" * 43})

    with time_machine.travel(timezone.now() + timedelta(days=31 if how == "expired" else 0)):
        response = client.get(page)

    assert response.status_code == 404
    body = response.content.decode()
    assert "This link does not work any more" in body
    assert "How to get a new link" in body
    assert case.reference not in body


def test_a_get_never_changes_anything(client, case):
    before = (case.events.count(), Reflection.objects.count())

    for page in ("home", "reflection", "plan", "commitments", "check-in"):
        client.get(url(case, "customer", page if page != "check-in" else "checkin"))

    assert (case.events.count(), Reflection.objects.count()) == before
    assert not person(case, "customer").access_links.exclude(last_used_at=None).exists()


def test_repeated_wrong_tokens_from_one_address_are_slowed_down(client, db, settings):
    settings.PORTAL_BAD_TOKENS_PER_HOUR = 3
    for n in range(3):
        assert client.get(reverse("portal:home", kwargs={"token": f"wrong{n}"})).status_code == 404

    response = client.get(reverse("portal:home", kwargs={"token": "wrong-again"}))

    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()


def test_the_portal_speaks_the_participants_language(client, case):
    Participant.objects.filter(case=case, role="customer").update(preferred_language="es")

    body = client.get(url(case, "customer", "reflection")).content.decode()

    assert 'lang="es"' in body
    assert "Tu reflexión" in body


def test_the_language_switch_overrides_the_preferred_language(client, case, settings):
    Participant.objects.filter(case=case, role="customer").update(preferred_language="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    body = client.get(url(case, "customer", "reflection")).content.decode()

    assert "Your reflection" in body


@pytest.mark.parametrize("cookie", ["xx", "de", "es-zz\x00", "en" * 200])
def test_a_language_cookie_that_is_not_one_of_ours_is_ignored(client, case, settings, cookie):
    Participant.objects.filter(case=case, role="customer").update(preferred_language="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    body = client.get(url(case, "customer", "reflection")).content.decode()

    assert 'lang="es"' in body
    assert "Tu reflexión" in body


def test_the_caseworker_sees_on_the_case_page_what_participants_did(client, case, caseworker):
    client.post(url(case, "customer", "reflection"), {**ANSWERS, "submit": "1"})
    client.force_login(caseworker)

    body = client.get(case.get_absolute_url()).content.decode()

    assert "Latest from participants" in body
    assert "The reflection was submitted for review." in body


def test_a_refusal_is_explained_in_the_participants_language(client, case):
    Participant.objects.filter(case=case, role="customer").update(preferred_language="es")

    response = client.post(url(case, "customer", "reflection"), {"what_happened": "Solo esto", "submit": "1"})

    assert "Por favor, responde a todas las preguntas antes de enviar" in response.content.decode()


def test_the_welcome_page_links_only_to_pages_with_something_to_show(client, case):
    body = client.get(url(case, "customer")).content.decode()

    assert "/reflection/" in body
    for page in ("plan", "shifts", "meeting", "commitments"):
        assert f"/{page}/" not in body, page


def test_the_welcome_page_asks_the_business_to_answer_proposed_shifts(client, case, caseworker):
    walk_to_role_swap(case, caseworker)
    before = client.get(url(case, "business")).content.decode()
    propose_shift(case, caseworker)

    after = client.get(url(case, "business")).content.decode()

    assert "/shifts/" not in before
    assert "Confirm or answer the proposed shifts." not in before
    assert "/shifts/" in after
    assert "Confirm or answer the proposed shifts." in after


def test_the_welcome_page_asks_the_customer_for_a_check_in_once_it_is_due(client, case):
    today = timezone.localdate()
    CheckIn.objects.create(case=case, days_after=30, due_on=today + timedelta(days=1))
    not_yet = client.get(url(case, "customer")).content.decode()
    CheckIn.objects.create(case=case, days_after=7, due_on=today)

    due = client.get(url(case, "customer")).content.decode()

    assert "Answer your check-in." not in not_yet
    assert "Answer your check-in." in due


def test_the_welcome_page_asks_each_signer_for_the_plan_until_they_agree(client, case, caseworker):
    walk_to_plan(case, caseworker)
    before_plan = client.get(url(case, "customer")).content.decode()
    old = services.plan_create_version(case=case, by=caseworker, **PLAN)
    services.plan_signoff(plan=old, participant=person(case, "customer"), decision="agreed", by=caseworker)
    plan = services.plan_create_version(case=case, by=caseworker, **{**PLAN, "goals_empathy": "Version two"})
    asked = client.get(url(case, "customer")).content.decode()

    signed = {"plan": plan.pk, "decision": "agreed", "signature": person(case, "customer").name}
    client.post(url(case, "customer", "plan"), signed)
    agreed = client.get(url(case, "customer")).content.decode()

    ask = "Read the plan and tell us whether you agree."
    assert ask not in before_plan
    assert "/plan/" not in before_plan
    assert ask in asked  # agreeing to the old version does not count
    assert "/plan/" in asked
    assert ask not in agreed
    assert "/plan/" in agreed
