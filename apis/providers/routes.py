"""Routes of the providers API."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.providers.protocol import Providers
from apis.providers.schemas import InspectProviderRequest, ListProvidersResponse, ProviderInfo


def create_router(impl: Providers) -> Router:
    router = Router(tags=["Providers"])

    @router.get("/providers", response=ListProvidersResponse, summary="List providers with their health")
    async def list_providers(request: HttpRequest) -> ListProvidersResponse:
        return await impl.list_providers()

    @router.get("/providers/{provider_id}", response=ProviderInfo, summary="Get one provider")
    async def inspect_provider(request: HttpRequest, params: Path[InspectProviderRequest]) -> ProviderInfo:
        return await impl.inspect_provider(params)

    return router
