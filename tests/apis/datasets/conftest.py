"""Fixtures of the datasets tests: every provider of the evaluation APIs, files in a temporary directory."""

import pytest

from tests.apis.datasets.support import distribution


@pytest.fixture
def eval_stack(settings, tmp_path, stack_config) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STACK_DATASETS_DIRS = [str(tmp_path / "allowed")]
    (tmp_path / "allowed").mkdir()
    stack_config(distribution())
