"""Fixtures of the shields API tests: a regex safety provider 'regex' (no model needed)."""

import pytest

from apis.providers.services import registration_save

CATEGORIES = {"violence": [r"\bbomb\b", r"\bkill\b"], "pii": [r"\b\d{3}-\d{2}-\d{4}\b"]}


def register_regex_provider(provider_id: str = "regex", categories: dict[str, list[str]] | None = None) -> str:
    registration_save(
        api="safety",
        provider_id=provider_id,
        provider_type="inline::regex",
        config={"categories": CATEGORIES if categories is None else categories},
    )
    return provider_id


@pytest.fixture
def provider(db: None) -> str:
    return register_regex_provider()
