import pytest

from tests.factories import full_case


@pytest.fixture
def open_case(caseworker):
    """An open case at step 1 with a customer, a business representative and a consenting agent."""
    return full_case(caseworker=caseworker)
