"""Fixtures of the scoring tests: every provider of the evaluation APIs, the judge model on the test upstream."""

import pytest

from tests.apis.datasets.support import distribution
from tests.support.upstream import Upstream


@pytest.fixture
def eval_stack(settings, tmp_path, stack_config, upstream: Upstream) -> Upstream:
    settings.MEDIA_ROOT = tmp_path / "media"
    stack_config(distribution(upstream.base_url))
    upstream.reset()
    return upstream
