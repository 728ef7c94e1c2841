"""Routes of the inspect API."""

from django.http import HttpRequest
from ninja import Query, Router

from apis.inspect.protocol import Inspect
from apis.inspect.schemas import HealthInfo, ListRoutesRequest, ListRoutesResponse, VersionInfo


def create_router(impl: Inspect) -> Router:
    router = Router(tags=["Inspect"])

    @router.get("/inspect/routes", response=ListRoutesResponse, summary="List the server's routes")
    async def list_routes(request: HttpRequest, params: Query[ListRoutesRequest]) -> ListRoutesResponse:
        return await impl.list_routes(params)

    @router.get("/health", response=HealthInfo, summary="Health of the server")
    async def health(request: HttpRequest) -> HealthInfo:
        return await impl.health()

    @router.get("/version", response=VersionInfo, summary="Version of the server")
    async def version(request: HttpRequest) -> VersionInfo:
        return await impl.version()

    return router
