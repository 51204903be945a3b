"""The workflow's snapshot of a case: what the rules look at, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from reconciliation import services, workflow
from tests.factories import CaseEventFactory, full_case

from .journey import PLAN, walk_to_plan


def _snapshot_queries(case) -> tuple[int, workflow.CaseSnapshot]:
    fresh = Case.objects.get(pk=case.pk)
    with CaptureQueriesContext(connection) as queries:
        snap = workflow.snapshot(fresh)
    return len(queries), snap


def test_a_snapshot_reads_three_queries_and_five_once_there_is_a_plan(caseworker):
    case = full_case(caseworker=caseworker)
    CaseEventFactory.create_batch(20, case=case)
    before_plan, snap = _snapshot_queries(case)
    assert (before_plan, snap.plan) == (3, None)

    walk_to_plan(case, caseworker)
    services.plan_create_version(case=case, by=caseworker, **PLAN)
    with_plan, snap = _snapshot_queries(case)
    assert with_plan == 5
    assert snap.plan is not None


def test_a_case_read_with_its_snapshot_and_many_at_once_give_the_same_snapshot(caseworker):
    cases = [full_case(caseworker=caseworker) for _ in range(3)]
    walk_to_plan(cases[1], caseworker)
    services.plan_create_version(case=cases[1], by=caseworker, **PLAN)

    loaded = list(workflow.with_snapshot(Case.objects.filter(pk__in=[c.pk for c in cases])).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        many = workflow.snapshots(loaded)

    assert len(queries) == 3
    for case in loaded:
        one = workflow.snapshot(Case.objects.get(pk=case.pk))
        assert many[case.pk].plan == one.plan
        assert many[case.pk].participants == one.participants
        assert many[case.pk].signoffs == one.signoffs
        assert many[case.pk].reflection == one.reflection
        assert workflow.progress(many[case.pk]) == workflow.progress(one)


def test_skips_left_out_of_the_case_query_are_read_when_first_asked_for(caseworker, supervisor):
    case = full_case(caseworker=caseworker)
    services.step_skip(case=case, step=Case.Step.REFLECTION, reason="Wrote it on paper", by=supervisor)
    loaded = workflow.with_snapshot(Case.objects.all(), skips=False).get(pk=case.pk)

    with CaptureQueriesContext(connection) as building:
        snap = workflow.snapshot(loaded)
    with CaptureQueriesContext(connection) as asking:
        first = workflow.step_state(snap, Case.Step.REFLECTION)
        again = workflow.step_state(snap, Case.Step.REFLECTION)

    assert not any("stepskip" in query["sql"] for query in building.captured_queries)
    assert len(asking) == 1
    assert first.skipped.reason == again.skipped.reason == "Wrote it on paper"
