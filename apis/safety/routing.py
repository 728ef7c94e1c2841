"""The safety API: routes each request to the provider running its shield."""

import uuid

from apis.common.errors import BadRequestError
from apis.safety.protocol import SafetyProvider
from apis.safety.schemas import CreateModerationRequest, ModerationObject, RunShieldRequest, RunShieldResponse
from apis.shields.table import SHIELDS


class SafetyRouter:
    async def run_shield(self, request: RunShieldRequest) -> RunShieldResponse:
        route = await SHIELDS.aroute(request.shield_id, param="shield_id")
        provider: SafetyProvider = route.provider
        return await provider.run_shield(route.resource, request)

    async def run_moderation(self, request: CreateModerationRequest) -> ModerationObject:
        shield_id = request.model or await self._only_shield()
        route = await SHIELDS.aroute(shield_id, param="model")
        provider: SafetyProvider = route.provider
        inputs = [request.input] if isinstance(request.input, str) else request.input
        results = await provider.run_moderation(route.resource, inputs)
        return ModerationObject(id=f"modr-{uuid.uuid4().hex}", model=shield_id, results=results)

    async def _only_shield(self) -> str:
        """The shield to use when the request names none: the only one the caller can see."""
        visible = [row.identifier for row in await SHIELDS.alist_rows()]
        if len(visible) == 1:
            return visible[0]
        choices = f": {', '.join(visible)}" if visible else "; none is available"
        raise BadRequestError(f"'model' must name the shield to use{choices}.", param="model")
