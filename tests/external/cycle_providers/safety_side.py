"""Provider of the 'safety' API that depends on the 'eval' API."""

from typing import Any

from pydantic import BaseModel

from providers.spec import Api, ProviderSpec


class Config(BaseModel):
    pass


class Impl:
    def __init__(self, deps: dict[str, Any]) -> None:
        self.deps = deps


def get_provider_spec() -> ProviderSpec:
    return ProviderSpec(
        api=Api.safety,
        provider_type="inline::cycle-safety",
        module="cycle_providers.safety_side",
        config_class="cycle_providers.safety_side.Config",
        api_dependencies=(Api.eval,),
    )


def get_provider_impl(config: Config, deps: dict[str, Any]) -> Impl:
    return Impl(deps)
