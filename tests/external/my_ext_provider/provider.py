"""Entry point the stack server looks up: `get_provider_spec()`."""

from providers.spec import Api, ProviderSpec


def get_provider_spec() -> ProviderSpec:
    return ProviderSpec(
        api=Api.inference,
        provider_type="remote::my-ext",
        module="my_ext_provider.impl",
        config_class="my_ext_provider.config.MyExtConfig",
        description="Answers with the last user message reversed.",
    )
