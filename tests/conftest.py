"""Shared fixtures: every test starts with this process's providers forgotten."""

from pathlib import Path

import pytest

CONFIGS = Path(__file__).parent / "configs"


@pytest.fixture(autouse=True)
def fresh_stack(settings):
    """Point STACK_CONFIG at an empty distribution and drop cached providers around each test."""
    from providers import resolver

    settings.STACK_CONFIG = CONFIGS / "empty.yaml"
    resolver.reset()
    yield
    resolver.reset()
