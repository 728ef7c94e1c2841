"""The safety API (what the routes call) and what a safety provider implements."""

from typing import Protocol

from apis.safety.schemas import (
    CreateModerationRequest,
    ModerationObject,
    ModerationResult,
    RunShieldRequest,
    RunShieldResponse,
)
from apis.shields.schemas import Shield


class Safety(Protocol):
    async def run_shield(self, request: RunShieldRequest) -> RunShieldResponse: ...

    async def run_moderation(self, request: CreateModerationRequest) -> ModerationObject: ...


class SafetyProvider(Protocol):
    """Runs the shields registered with it; `shield.provider_resource_id` is its own id for the shield.

    A provider may also have `async register_shield(shield)` (refuse a shield it cannot run with a
    BadRequestError; called again by each process before it first runs the shield, so it must be
    idempotent) and `async unregister_shield(shield)`: see apis.common.routing_table.
    """

    async def run_shield(self, shield: Shield, request: RunShieldRequest) -> RunShieldResponse: ...

    async def run_moderation(self, shield: Shield, inputs: list[str]) -> list[ModerationResult]:
        """One result per input, in order."""
        ...
