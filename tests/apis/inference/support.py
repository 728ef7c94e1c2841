"""Helpers shared by the models and inference tests: the test upstream registered as a provider."""

from typing import Any

from apis.providers.services import registration_save
from tests.support.upstream import Upstream

PROVIDER_ID = "up"


def register_upstream(upstream: Upstream, provider_id: str = PROVIDER_ID, **config: Any) -> None:
    """The test upstream as an enabled `remote::openai-compat` inference provider, through the real service."""
    registration_save(
        api="inference",
        provider_id=provider_id,
        provider_type="remote::openai-compat",
        config={"base_url": upstream.base_url, "timeout": 3, **config},
    )
