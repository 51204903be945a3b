"""make_supervisor: the first account (after createsuperuser) becomes a supervisor who can hold cases."""

import pytest
from django.core.management import CommandError, call_command

from cases.roles import is_supervisor
from cases.selectors import staff_who_can_hold_cases
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_becomes_a_supervisor_with_admin_access_who_can_hold_cases():
    account = UserFactory(username="dana", is_superuser=True)

    call_command("make_supervisor", "dana")

    account.refresh_from_db()
    assert is_supervisor(account)
    assert account.is_staff
    assert account in staff_who_can_hold_cases()


def test_running_it_again_changes_nothing():
    account = UserFactory(username="dana")

    call_command("make_supervisor", "dana")
    call_command("make_supervisor", "dana")

    assert list(account.groups.values_list("name", flat=True)) == ["supervisor"]


def test_an_unknown_username_is_refused():
    with pytest.raises(CommandError, match="No account with the username 'nobody'"):
        call_command("make_supervisor", "nobody")
