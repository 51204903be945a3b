"""The case page reads its case prepared (``compassion.prepared``): what it reads is what the plain
queryset reads, with every hook's additions, for a supervisor and for the case's caseworker."""

import pytest

from cases.selectors import CASE_PAGE_READS
from reconciliation.models import SafetyApproval
from tests.factories import full_case
from tests.reconciliation.journey import propose_shift, walk_to_role_swap

pytestmark = pytest.mark.django_db


def _described(case) -> dict:
    """The case's own values and what the hooks added, and the rows read with it."""
    related = {name: row for name, row in case._state.fields_cache.items() if row is not None}
    return {"values": _values(case), "related": {name: _values(row) for name, row in related.items()}}


def _values(row) -> dict:
    return {name: value for name, value in vars(row).items() if name != "_state"}


@pytest.mark.parametrize("everyone", [True, False])
def test_the_case_pages_read_is_the_plain_querysets(caseworker, supervisor, everyone):
    case = walk_to_role_swap(full_case(caseworker=caseworker, risk="high"), caseworker)
    SafetyApproval.objects.create(case=case, approved_by=supervisor, note="A manager on site.")
    propose_shift(case, caseworker)
    read = CASE_PAGE_READS["everyone" if everyone else "own"]
    values = {"reference": case.reference, "user": caseworker.pk}

    (prepared,) = read.rows(**values)
    (plain,) = read.queryset(**values)
    assert _described(prepared) == _described(plain)
    assert prepared.safety_approval.approved_by == supervisor


def test_a_caseworkers_read_finds_only_their_own_case(caseworker, outsider_caseworker):
    case = full_case(caseworker=caseworker)
    assert CASE_PAGE_READS["own"].rows(reference=case.reference, user=outsider_caseworker.pk) == []
    assert CASE_PAGE_READS["own"].rows(reference=case.reference, user=caseworker.pk) == [case]
    assert CASE_PAGE_READS["everyone"].rows(reference=case.reference + "X") == []
