"""Two people acting on the same case at once cannot break its rules: the case row is locked."""

import threading

import pytest
from django.db import connection, connections

from reconciliation import services
from tests.factories import CaseworkerFactory, full_case

from .journey import soon, walk_to_role_swap

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under concurrency need PostgreSQL (CI)"),
]


def run_together(*calls) -> list[Exception | None]:
    """Run the calls in threads released at the same moment; return each one's error or None."""
    results: list[Exception | None] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        try:
            start.wait()
            call()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_caseworkers_proposing_overlapping_shifts_at_once_get_one_shift():
    first, second = CaseworkerFactory(username="a"), CaseworkerFactory(username="b")
    case = full_case(caseworker=first)
    walk_to_role_swap(case, first)

    def propose(by, start):
        return lambda: services.shift_propose(
            case=case,
            by=by,
            starts_at=soon(start),
            ends_at=soon(start + 4),
            role="Cashier",
            location="x",
            supervisor_on_site="y",
        )

    errors = run_together(propose(first, 24), propose(second, 26))

    assert case.shifts.count() == 1
    assert sum(isinstance(e, services.WorkflowError) for e in errors) == 1


def test_two_agreements_to_the_commitments_at_once_complete_the_case_once(supervisor):
    caseworker = CaseworkerFactory(username="a")
    case = full_case(caseworker=caseworker)
    for step in range(1, 5):
        services.step_skip(case=case, step=step, reason="Test", by=supervisor)
    services.commitments_draft(case=case, commitments="Calm", off_limits="Threats", by=caseworker)
    customer = case.participants.get(role="customer")

    errors = run_together(
        lambda: services.commitments_agree(case=case, by=customer),
        lambda: services.commitments_agree(case=case, by=caseworker),
    )

    assert sum(isinstance(e, services.WorkflowError) for e in errors) == 1
    assert case.events.filter(to_value="completed").count() == 1
    assert case.checkins.count() == 3
