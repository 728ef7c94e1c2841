"""Fixtures of the models API tests: the test upstream, registered as inference provider 'up'."""

import pytest

from tests.apis.inference.support import register_upstream
from tests.support.upstream import Upstream


@pytest.fixture
def provider(db: None, upstream: Upstream) -> str:
    register_upstream(upstream)
    return "up"
