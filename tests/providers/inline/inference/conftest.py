"""Fixtures of the local-model tests: one provider for the session, its models loaded once per process."""

from typing import Any

import pytest

from tests.providers.inline.inference.support import local_provider


@pytest.fixture(scope="session")
def provider() -> Any:
    # Two turns, so that concurrent requests for one model meet at the model's own lock.
    return local_provider(max_concurrent_requests=2)
