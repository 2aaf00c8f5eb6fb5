import pytest

from .helpers import clear_throttles


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache, which outlives a test's database transaction.
    clear_throttles()
    yield
    clear_throttles()
