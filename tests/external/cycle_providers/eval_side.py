"""Provider of the 'eval' API that depends on the 'safety' API."""

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
        api=Api.eval,
        provider_type="inline::cycle-eval",
        module="cycle_providers.eval_side",
        config_class="cycle_providers.eval_side.Config",
        api_dependencies=(Api.safety,),
    )


def get_provider_impl(config: Config, deps: dict[str, Any]) -> Impl:
    return Impl(deps)
