"""Routes of the safety API."""

from django.http import HttpRequest
from ninja import Router

from apis.safety.protocol import Safety
from apis.safety.schemas import CreateModerationRequest, ModerationObject, RunShieldRequest, RunShieldResponse


def create_router(impl: Safety) -> Router:
    router = Router(tags=["Safety"])

    @router.post("/safety/run-shield", response=RunShieldResponse, summary="Run a shield over messages")
    async def run_shield(request: HttpRequest, body: RunShieldRequest) -> RunShieldResponse:
        return await impl.run_shield(body)

    @router.post(
        "/moderations",
        response=ModerationObject,
        summary="Classify text with a shield (OpenAI moderations)",
        description="OpenAI's moderations: `model` names a registered shield.",
    )
    async def run_moderation(request: HttpRequest, body: CreateModerationRequest) -> ModerationObject:
        return await impl.run_moderation(body)

    return router
