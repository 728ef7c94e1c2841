"""Routes of the models API. Model ids may contain '/', hence the `path` converter."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.models.protocol import Models
from apis.models.schemas import (
    GetModelRequest,
    ListModelsResponse,
    ModelDeleted,
    ModelObject,
    RegisterModelRequest,
    UnregisterModelRequest,
)


def create_router(impl: Models) -> Router:
    router = Router(tags=["Models"])

    @router.get("/models", response=ListModelsResponse, summary="List models")
    async def list_models(request: HttpRequest) -> ListModelsResponse:
        return await impl.list_models()

    @router.get("/models/{path:model_id}", response=ModelObject, summary="Get a model")
    async def get_model(request: HttpRequest, params: Path[GetModelRequest]) -> ModelObject:
        return await impl.get_model(params)

    @router.post("/models", response=ModelObject, summary="Register a model")
    async def register_model(request: HttpRequest, body: RegisterModelRequest) -> ModelObject:
        return await impl.register_model(body)

    @router.delete("/models/{path:model_id}", response=ModelDeleted, summary="Unregister a model")
    async def unregister_model(request: HttpRequest, params: Path[UnregisterModelRequest]) -> ModelDeleted:
        return await impl.unregister_model(params)

    return router
