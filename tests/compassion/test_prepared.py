"""A prepared read (``compassion.prepared``) gives what its plain queryset gives, with each call's
own values, on the database the suite runs on; and it says which Django it was checked against.

It steps past the ORM's public API, so these tests are what notices a Django upgrade breaking it:
the portal's read of a case is compared field by field with the queryset it is prepared from.
"""

from datetime import timedelta

import django
import pytest
import time_machine
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, Participant
from compassion.prepared import Prepared, PreparedSQL
from portal import selectors
from questionnaires.models import Invitation, Moment, Questionnaire
from reconciliation.models import CheckIn, PersonalTime
from tests.factories import CaseEventFactory, full_case
from tests.reconciliation.journey import propose_shift, walk_to_role_swap

pytestmark = pytest.mark.django_db

# What a read of a case for the portal holds beyond the case's own fields.
ASKED = [
    "has_shifts",
    "has_proposed_shifts",
    "has_checkin_due",
    "has_personal_time",
    "personal_time_awaits_answer",
    "has_questions_waiting",
    "was_ever_asked",
    "snapshot_attended_minutes",
    "snapshot_plan_id",
]
RELATED = ["incident", "caseworker", "reflection", "meeting", "commitment", "safety_approval"]


def test_it_was_checked_against_this_django():
    assert django.VERSION[:2] == (5, 2), (
        "compassion/prepared.py uses Django's compiler and ModelIterable: check it against this "
        "version (its docstring says what it relies on), then change the version here."
    )


def _described(case: Case) -> dict:
    """What a page can read of the case: its fields, what was asked with it, its related rows."""
    fields = {field.attname: getattr(case, field.attname) for field in Case._meta.concrete_fields}
    asked = {name: getattr(case, name) for name in ASKED}
    related = {}
    for name in RELATED:
        row = getattr(case, name, None)
        related[name] = row and {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    related["business"] = case.incident.business.name
    related["staff_contact"] = getattr(case.caseworker, "staff_contact", None)
    return {"fields": fields, "asked": asked, "related": related}


def _plain(participant: Participant) -> Case:
    """The same read through the queryset itself, built and compiled as the ORM does each time."""
    prepared = selectors.CASE_READ_BY_ROLE[participant.role]
    values = {"case": participant.case_id, "participant": participant.pk}
    values |= {"now": timezone.now(), "today": timezone.localdate()}
    return prepared.queryset(**values).get()


def _busy_case(caseworker):
    """A case at the role-swap step with a proposed shift, personal time waiting for answers, a
    check-in due and questions waiting for its customer."""
    case = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    propose_shift(case, caseworker)
    agent = case.participants.get(role=Participant.Role.AGENT)
    starts = timezone.now() + timedelta(days=2)
    ends = starts + timedelta(hours=1)
    PersonalTime.objects.create(case=case, agent=agent, starts_at=starts, ends_at=ends, activity="Tea", location="Cafe")
    CheckIn.objects.create(case=case, days_after=30, due_on=timezone.localdate())
    questionnaire = Questionnaire.objects.create(title="After", active=True)
    questionnaire.versions.create(number=1, published_at=timezone.now())
    customer = case.participants.get(role=Participant.Role.CUSTOMER)
    Invitation.objects.create(case=case, participant=customer, questionnaire=questionnaire, moment=Moment.AT_COMPLETION)
    return case


@pytest.mark.parametrize("role", [Participant.Role.CUSTOMER, Participant.Role.AGENT, Participant.Role.BUSINESS])
def test_the_portals_read_of_a_case_is_the_plain_querysets_for_every_role(caseworker, role):
    for case in (full_case(caseworker=caseworker), _busy_case(caseworker)):
        participant = case.participants.get(role=role)
        assert _described(selectors.participant_case(participant)) == _described(_plain(participant))


def test_a_busy_case_reads_as_busy_and_a_quiet_one_as_quiet(caseworker):
    busy, quiet = _busy_case(caseworker), full_case(caseworker=caseworker)
    read = {
        case.pk: selectors.participant_case(case.participants.get(role=Participant.Role.CUSTOMER))
        for case in (busy, quiet, busy)  # one after the other: each call has its own values
    }
    asked = ["has_shifts", "has_checkin_due", "has_personal_time", "has_questions_waiting", "was_ever_asked"]
    assert {name: getattr(read[busy.pk], name) for name in asked} == dict.fromkeys(asked, True)
    assert {name: getattr(read[quiet.pk], name) for name in asked} == dict.fromkeys(asked, False)
    business = selectors.participant_case(busy.participants.get(role=Participant.Role.BUSINESS))
    assert business.has_proposed_shifts
    assert not business.has_checkin_due  # a business is never asked that


def test_the_day_and_the_moment_are_those_of_each_call(caseworker):
    case = full_case(caseworker=caseworker)
    CheckIn.objects.create(case=case, days_after=30, due_on=timezone.localdate() + timedelta(days=1))
    customer = case.participants.get(role=Participant.Role.CUSTOMER)
    assert not selectors.participant_case(customer).has_checkin_due

    with time_machine.travel(timezone.now() + timedelta(days=1, hours=1)):
        assert selectors.participant_case(customer).has_checkin_due


def test_a_prepared_read_is_one_query_and_finds_nothing_as_get_does(caseworker):
    counted = Prepared(
        lambda case: Case.objects.annotate(noted=Count("events", filter=Q(events__kind="note"))).filter(pk=case),
        case=int,
    )
    case = full_case(caseworker=caseworker)
    CaseEventFactory.create_batch(3, case=case, kind="note")

    with CaptureQueriesContext(connection) as queries:
        read = counted.get(case=case.pk)
    assert (read.pk, read.reference, read.noted) == (case.pk, case.reference, 3)
    assert len(queries) == 1
    with pytest.raises(Case.DoesNotExist):
        counted.get(case=case.pk + 1000)


def test_a_value_computed_inside_the_query_or_deciding_its_shape_is_refused_when_it_is_prepared(caseworker):
    case = full_case(caseworker=caseworker)
    computed = Prepared(
        lambda now: Case.objects.filter(last_activity_at__lt=now - timedelta(days=14)), now=timezone.datetime
    )
    with pytest.raises(ValueError, match="computed from a value"):
        computed.rows(now=timezone.now())
    shaped = Prepared(lambda case: Case.objects.filter(pk__gte=case)[: abs(case)], case=int)
    with pytest.raises(ValueError, match="shape"):
        shaped.rows(case=case.pk)
    unused = Prepared(lambda case, today: Case.objects.filter(pk=case), case=int, today=timezone.datetime)
    assert unused.get(case=case.pk, today=timezone.now()) == case


def _statement(shape, case):
    """A statement written around the ORM's SQL: the cases from ``case`` on, the first ``shape``."""
    sql, params = Case.objects.filter(pk__gte=case).order_by("pk").values("pk")[:shape].query.sql_with_params()
    return f"SELECT * FROM ({sql}) AS first_cases", params  # noqa: S608


def test_a_prepared_statement_runs_with_each_calls_values_and_one_statement_per_shape(caseworker):
    cases = [full_case(caseworker=caseworker).pk for _ in range(3)]
    prepared = PreparedSQL(_statement, case=int)

    assert prepared.rows(shape=2, case=cases[0]) == [{"pk": cases[0]}, {"pk": cases[1]}]
    assert prepared.rows(shape=2, case=cases[1]) == [{"pk": cases[1]}, {"pk": cases[2]}]
    assert prepared.rows(shape=1, case=cases[1]) == [{"pk": cases[1]}]
    assert prepared.rows(shape=5, case=cases[2]) == prepared.built_rows(shape=5, case=cases[2])


def test_a_statement_with_a_value_computed_inside_it_is_refused_when_it_is_prepared(caseworker):
    full_case(caseworker=caseworker)
    computed = PreparedSQL(lambda shape, case: _statement(shape, case + 1), case=int)
    with pytest.raises(ValueError, match="computed from a value"):
        computed.rows(shape=1, case=1)
