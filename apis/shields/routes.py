"""Routes of the shields API. Shield ids may contain '/', hence the `path` converter."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.shields.protocol import Shields
from apis.shields.schemas import (
    GetShieldRequest,
    ListShieldsResponse,
    RegisterShieldRequest,
    Shield,
    ShieldDeleted,
    UnregisterShieldRequest,
)


def create_router(impl: Shields) -> Router:
    router = Router(tags=["Shields"])

    @router.get("/shields", response=ListShieldsResponse, summary="List shields")
    async def list_shields(request: HttpRequest) -> ListShieldsResponse:
        return await impl.list_shields()

    @router.get("/shields/{path:identifier}", response=Shield, summary="Get a shield")
    async def get_shield(request: HttpRequest, params: Path[GetShieldRequest]) -> Shield:
        return await impl.get_shield(params)

    @router.post("/shields", response=Shield, summary="Register a shield")
    async def register_shield(request: HttpRequest, body: RegisterShieldRequest) -> Shield:
        return await impl.register_shield(body)

    @router.delete("/shields/{path:identifier}", response=ShieldDeleted, summary="Unregister a shield")
    async def unregister_shield(request: HttpRequest, params: Path[UnregisterShieldRequest]) -> ShieldDeleted:
        return await impl.unregister_shield(params)

    return router
