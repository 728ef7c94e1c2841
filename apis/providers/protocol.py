"""The providers API, as the routes call it."""

from typing import Protocol

from apis.providers.schemas import InspectProviderRequest, ListProvidersResponse, ProviderInfo


class Providers(Protocol):
    async def list_providers(self) -> ListProvidersResponse: ...

    async def inspect_provider(self, request: InspectProviderRequest) -> ProviderInfo: ...
