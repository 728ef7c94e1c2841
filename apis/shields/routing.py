"""The shields API over the shield routing table."""

from asgiref.sync import sync_to_async

from apis.shields.schemas import (
    GetShieldRequest,
    ListShieldsResponse,
    RegisterShieldRequest,
    Shield,
    ShieldDeleted,
    UnregisterShieldRequest,
)
from apis.shields.services import shield_register, shield_unregister
from apis.shields.table import SHIELDS, shield_to_schema


class ShieldsRoutingTable:
    async def list_shields(self) -> ListShieldsResponse:
        return ListShieldsResponse(data=[shield_to_schema(row) for row in await SHIELDS.alist_rows()])

    async def get_shield(self, request: GetShieldRequest) -> Shield:
        return shield_to_schema(await SHIELDS.aget(request.identifier))

    async def register_shield(self, request: RegisterShieldRequest) -> Shield:
        row = await sync_to_async(shield_register)(
            identifier=request.shield_id,
            provider_id=request.provider_id,
            provider_resource_id=request.provider_shield_id,
            params=request.params,
        )
        return shield_to_schema(row)

    async def unregister_shield(self, request: UnregisterShieldRequest) -> ShieldDeleted:
        await sync_to_async(shield_unregister)(identifier=request.identifier)
        return ShieldDeleted(identifier=request.identifier)
