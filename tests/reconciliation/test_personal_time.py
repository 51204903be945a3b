"""Personal time with the staff member who was hurt: only with their own yes, never under no contact,
agreed by both, logged with a few words from each."""

from decimal import Decimal

import pytest
import time_machine

from cases.models import Case, Participant
from reconciliation import services
from reconciliation.models import PersonalTime
from tests.factories import full_case

from .journey import PLAN, person, soon, walk_to_plan, walk_to_role_swap
from .test_rules import assert_refused


def at_role_swap(case, by, **plan):
    walk_to_role_swap(case, by, personal_time_with_agent=True, role_swap_hours=Decimal(4), **plan)
    return case


def said_yes(case, by):
    agent = person(case, "agent")
    services.personal_time_consent_record(participant=agent, agreed=True, by=agent)
    agent.refresh_from_db()
    return agent


def propose(case, by, agent=None, start=48, length=2):
    return services.personal_time_propose(
        case=case,
        by=by,
        agent=agent or person(case, "agent"),
        starts_at=soon(start),
        ends_at=soon(start + length),
        activity="A coffee after work",
        location="Corner café, Main St",
    )


@pytest.fixture
def ready(open_case, caseworker):
    """A case at step 3 whose plan includes personal time, and whose staff member said yes to it."""
    at_role_swap(open_case, caseworker)
    said_yes(open_case, caseworker)
    return open_case


def test_personal_time_agreed_by_both_then_logged_with_words_from_each(ready, caseworker):
    case = ready
    customer, agent = person(case, "customer"), person(case, "agent")
    time = propose(case, caseworker)
    assert time.state == PersonalTime.State.PROPOSED

    time = services.personal_time_agree(time=time, by=customer)
    assert time.state == PersonalTime.State.PROPOSED  # still waiting for the staff member
    time = services.personal_time_agree(time=time, by=agent)
    assert time.state == PersonalTime.State.AGREED

    with time_machine.travel(soon(51)):
        time = services.personal_time_log(time=time, minutes=95, by=caseworker)
        services.personal_time_words(time=time, text="I saw how tiring the job is.", by=customer)
        time = services.personal_time_words(time=time, text="It helped to talk.", by=agent)

    assert (time.state, time.minutes) == (PersonalTime.State.HELD, 95)
    assert (time.customer_words, time.agent_words) == ("I saw how tiring the job is.", "It helped to talk.")
    lines = list(case.events.order_by("pk").values_list("message", flat=True))
    assert any("agreed by both" in line for line in lines)
    assert any("took place, 95 minutes" in line for line in lines)
    # Their words stay on the personal time; the timeline only says they wrote some.
    assert not any("It helped to talk" in line for line in lines)


def test_either_one_saying_no_ends_it_without_a_reason(ready, caseworker):
    time = propose(ready, caseworker)
    services.personal_time_agree(time=time, by=person(ready, "customer"))

    time = services.personal_time_decline(time=time, by=person(ready, "agent"))

    assert (time.state, time.declined_by) == (PersonalTime.State.DECLINED, "agent")
    assert_refused(ready, lambda: services.personal_time_agree(time=time, by=person(ready, "customer")), "not wanted")


def test_nothing_is_proposed_without_the_staff_members_own_yes(open_case, caseworker):
    at_role_swap(open_case, caseworker)

    assert_refused(open_case, lambda: propose(open_case, caseworker), "has not said yes to personal time")


def test_nothing_is_proposed_when_the_plan_does_not_include_it(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker, role_swap_hours=Decimal(4))
    said_yes(open_case, caseworker)

    assert_refused(open_case, lambda: propose(open_case, caseworker), "does not include personal time")


def test_a_staff_member_who_asked_for_no_contact_cannot_say_yes_nor_be_proposed(ready, caseworker):
    agent = person(ready, "agent")
    services.contact_stop(participant=agent, by=agent)
    agent.refresh_from_db()

    assert not agent.personal_time_consent
    with pytest.raises(services.WorkflowError, match="no contact"):
        services.personal_time_consent_record(participant=agent, agreed=True, by=agent)
    assert_refused(ready, lambda: propose(ready, caseworker, agent=agent), "asked for no contact")


def test_a_plan_cannot_include_personal_time_when_the_staff_member_asked_for_no_contact(open_case, caseworker):
    walk_to_plan(open_case, caseworker)
    Participant.objects.filter(case=open_case, role="agent").update(no_contact=True)

    assert_refused(
        open_case,
        lambda: services.plan_create_version(
            case=open_case, by=caseworker, **{**PLAN, "personal_time_with_agent": True}
        ),
        "cannot include personal time",
    )
    assert services.plan_create_version(case=open_case, by=caseworker, **PLAN).version == 1


@pytest.mark.parametrize(
    "revoke",
    [
        lambda agent: services.personal_time_consent_record(participant=agent, agreed=False, by=agent),
        lambda agent: services.contact_stop(participant=agent, by=agent),
        lambda agent: services.consent_record(participant=agent, consent="withdrawn", by=agent),
    ],
    ids=["no to personal time", "dont contact me", "withdrew"],
)
def test_a_staff_member_taking_back_their_yes_cancels_open_personal_time_at_once(ready, caseworker, revoke):
    time = propose(ready, caseworker)
    services.personal_time_agree(time=time, by=person(ready, "customer"))
    services.personal_time_agree(time=time, by=person(ready, "agent"))

    revoke(person(ready, "agent"))

    time.refresh_from_db()
    assert time.state == PersonalTime.State.CANCELLED


def test_a_high_risk_case_needs_the_supervisors_approval_first(caseworker, supervisor):
    case = full_case(caseworker=caseworker, risk=Case.Risk.HIGH)
    at_role_swap(case, caseworker)
    said_yes(case, caseworker)

    assert_refused(case, lambda: propose(case, caseworker), "a supervisor must approve")
    services.safety_approve(case=case, note="Meet in a public place, caseworker nearby.", by=supervisor)
    assert propose(case, caseworker).state == PersonalTime.State.PROPOSED


def test_the_business_and_staff_cannot_agree_on_anyones_behalf(ready, caseworker):
    time = propose(ready, caseworker)

    with pytest.raises(services.WorkflowError, match="not yours"):
        services.personal_time_agree(time=time, by=person(ready, "business"))
    with pytest.raises(services.WorkflowError, match="not yours"):
        services.personal_time_agree(time=time, by=caseworker)
    with pytest.raises(services.WorkflowError, match="cannot be done now"):
        services.personal_time_log(time=time, minutes=60, by=caseworker)  # not agreed yet


def test_personal_time_cannot_be_logged_before_it_begins_nor_with_no_length(ready, caseworker):
    time = propose(ready, caseworker)
    services.personal_time_agree(time=time, by=person(ready, "customer"))
    services.personal_time_agree(time=time, by=person(ready, "agent"))

    assert_refused(ready, lambda: services.personal_time_log(time=time, minutes=60, by=caseworker), "once it has begun")
    with time_machine.travel(soon(50)):
        assert_refused(ready, lambda: services.personal_time_log(time=time, minutes=0, by=caseworker), "how long")


def test_personal_time_in_the_past_or_too_long_is_refused(ready, caseworker):
    assert_refused(ready, lambda: propose(ready, caseworker, start=-2), "in the future")
    assert_refused(ready, lambda: propose(ready, caseworker, length=13), "at most 12 hours")


def test_erasing_a_person_takes_their_words_about_the_personal_time(ready, caseworker, supervisor):
    from privacy.services import participant_erase, participant_export

    time = propose(ready, caseworker)
    customer, agent = person(ready, "customer"), person(ready, "agent")
    services.personal_time_agree(time=time, by=customer)
    services.personal_time_agree(time=time, by=agent)
    with time_machine.travel(soon(51)):
        services.personal_time_log(time=time, minutes=60, by=caseworker)
        services.personal_time_words(time=time, text="Kind of them to come.", by=agent)
        services.personal_time_words(time=time, text="We laughed.", by=customer)
    assert participant_export(participant=agent)["personal_time"][0]["agent_words"] == "Kind of them to come."

    Case.objects.filter(pk=ready.pk).update(status=Case.Status.CLOSED)
    participant_erase(participant=Participant.objects.get(pk=agent.pk), by=supervisor)

    time.refresh_from_db()
    assert (time.agent_words, time.customer_words) == ("", "We laughed.")
    assert not PersonalTime.history.filter(agent_words="Kind of them to come.").exists()


# ---------------------------------------------------------------- reminders and calendar files


def test_both_are_asked_once_when_it_is_proposed_and_reminded_the_day_before_with_a_calendar_file(
    ready, caseworker, mailoutbox
):
    from notifications.models import Reminder
    from tests.notifications.reminder_helpers import dispatch_at, kinds

    customer, agent = person(ready, "customer"), person(ready, "agent")
    time = propose(ready, caseworker)
    assert {("personal_time_proposed", customer.name), ("personal_time_proposed", agent.name)} <= kinds(ready)

    dispatch_at(soon(0.1))
    asked = [m for m in mailoutbox if "Personal time proposed" in m.subject]
    assert sorted(m.to[0].split("<")[1].rstrip(">") for m in asked) == sorted([customer.email, agent.email])
    assert any(name == "personal-time.ics" for m in asked for name, *_rest in m.attachments)
    assert "open to some personal time with the customer" in next(m.body for m in asked if agent.email in m.to[0])

    services.personal_time_agree(time=time, by=customer)
    services.personal_time_agree(time=time, by=agent)
    tomorrow = {(kind, name) for kind, name in kinds(ready) if kind == "personal_time_tomorrow"}
    assert tomorrow == {("personal_time_tomorrow", customer.name), ("personal_time_tomorrow", agent.name)}

    services.personal_time_decline(time=time, by=agent)
    assert not ready.reminders.filter(kind__startswith="personal_time", state=Reminder.State.SCHEDULED).exists()


def test_the_staff_member_who_has_not_answered_is_not_asked_again_once_they_said_no_to_personal_time(
    ready, caseworker
):
    from tests.notifications.reminder_helpers import kinds

    agent = person(ready, "agent")
    propose(ready, caseworker)

    services.personal_time_consent_record(participant=agent, agreed=False, by=agent)

    assert not {kind for kind, name in kinds(ready) if name == agent.name and kind.startswith("personal_time")}
