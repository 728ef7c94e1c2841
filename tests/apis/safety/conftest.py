"""Fixtures of the safety tests: a regex provider, and a Llama Guard provider over a guard model service."""

from collections.abc import Iterator
from typing import Any

import pytest

from apis.models.services import model_register
from apis.providers.services import registration_save
from tests.apis.safety.guard_upstream import guard_upstream
from tests.apis.shields.conftest import register_regex_provider

GUARD_MODEL = "llama-guard-3"


@pytest.fixture
def regex(db: None) -> str:
    return register_regex_provider()


@pytest.fixture(scope="session")
def guard_service() -> Iterator[tuple[str, list[tuple[str, str, Any]]]]:
    with guard_upstream() as service:
        yield service


@pytest.fixture
def guard_calls(guard_service: tuple[str, list[tuple[str, str, Any]]]) -> list[tuple[str, str, Any]]:
    calls = guard_service[1]
    calls.clear()
    return calls


@pytest.fixture
def llama_guard(db: None, guard_service: tuple[str, list[Any]], guard_calls: list[Any]) -> str:
    """Inference provider 'guard-service' serving GUARD_MODEL, and safety provider 'llama-guard'."""
    registration_save(
        api="inference",
        provider_id="guard-service",
        provider_type="remote::openai-compat",
        config={"base_url": guard_service[0], "timeout": 3, "max_retries": 0},
    )
    model_register(identifier=GUARD_MODEL, provider_id="guard-service", provider_resource_id="Llama-Guard-3-1B")
    registration_save(api="safety", provider_id="llama-guard", provider_type="inline::llama-guard", config={})
    return "llama-guard"
