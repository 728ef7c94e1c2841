"""Fixtures of the models API tests: the test upstream, registered as inference provider 'up'."""

from collections.abc import Iterator

import pytest

from tests.apis.inference.support import register_upstream
from tests.support.upstream import Upstream


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    with Upstream() as up:
        yield up


@pytest.fixture
def provider(db: None, upstream: Upstream) -> str:
    register_upstream(upstream)
    return "up"
