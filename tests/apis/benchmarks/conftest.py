"""Fixtures of the benchmarks tests: every provider of the evaluation APIs."""

import pytest

from tests.apis.datasets.support import distribution


@pytest.fixture
def eval_stack(settings, tmp_path, stack_config) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    stack_config(distribution())
