"""The shields API, as the routes call it."""

from typing import Protocol

from apis.shields.schemas import (
    GetShieldRequest,
    ListShieldsResponse,
    RegisterShieldRequest,
    Shield,
    ShieldDeleted,
    UnregisterShieldRequest,
)


class Shields(Protocol):
    async def list_shields(self) -> ListShieldsResponse: ...

    async def get_shield(self, request: GetShieldRequest) -> Shield: ...

    async def register_shield(self, request: RegisterShieldRequest) -> Shield: ...

    async def unregister_shield(self, request: UnregisterShieldRequest) -> ShieldDeleted: ...
