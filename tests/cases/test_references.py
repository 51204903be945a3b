"""Case references: CCP-YYYY-NNNN, unique, never reused, also under concurrent intakes."""

import threading

import pytest
from django.db import connection, connections

from cases import services
from cases.models import Case


def test_references_count_up_within_a_year(db):
    assert services.reference_allocate(year=2026) == ["CCP-2026-0001"]
    assert services.reference_allocate(year=2026, count=2) == ["CCP-2026-0002", "CCP-2026-0003"]
    assert services.reference_allocate(year=2027) == ["CCP-2027-0001"]


def test_a_withdrawn_or_closed_case_keeps_its_number_for_good(caseworker):
    from tests.factories import CaseFactory

    first = services.reference_allocate(year=2026)[0]
    CaseFactory(reference=first, caseworker=caseworker, status=Case.Status.CLOSED)

    assert services.reference_allocate(year=2026) == ["CCP-2026-0002"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under concurrency need PostgreSQL (CI)")
def test_two_intakes_at_the_same_moment_get_different_references():
    results: list[str] = []
    errors: list[Exception] = []
    start = threading.Barrier(8)

    def allocate():
        try:
            start.wait()
            results.extend(services.reference_allocate(year=2030))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [f"CCP-2030-{n:04d}" for n in range(1, 9)]
