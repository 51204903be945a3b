import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The rate limit counts in the cache, which outlives a test: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
