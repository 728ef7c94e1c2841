"""The models API, as the routes call it."""

from typing import Protocol

from apis.models.schemas import (
    GetModelRequest,
    ListModelsResponse,
    ModelDeleted,
    ModelObject,
    RegisterModelRequest,
    UnregisterModelRequest,
)


class Models(Protocol):
    async def list_models(self) -> ListModelsResponse: ...

    async def get_model(self, request: GetModelRequest) -> ModelObject: ...

    async def register_model(self, request: RegisterModelRequest) -> ModelObject: ...

    async def unregister_model(self, request: UnregisterModelRequest) -> ModelDeleted: ...
