"""An external inference provider that lacks part of the protocol: the resolver must refuse it."""

from typing import Any

from pydantic import BaseModel

from providers.spec import Api, ProviderSpec


class Config(BaseModel):
    pass


class HalfProvider:
    async def openai_chat_completion(self, request: Any) -> Any:
        raise AssertionError("never called")


def get_provider_spec() -> ProviderSpec:
    return ProviderSpec(
        api=Api.inference,
        provider_type="remote::half",
        module="incomplete_provider",
        config_class="incomplete_provider.Config",
    )


def get_provider_impl(config: Config, deps: dict[str, Any]) -> HalfProvider:
    return HalfProvider()
