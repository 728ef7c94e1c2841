"""The models API over the model routing table."""

from asgiref.sync import sync_to_async

from apis.models.schemas import (
    GetModelRequest,
    ListModelsResponse,
    ModelDeleted,
    ModelObject,
    RegisterModelRequest,
    UnregisterModelRequest,
)
from apis.models.services import model_register, model_unregister
from apis.models.table import MODELS, model_object
from providers.resolver import aget_stack


class ModelsRoutingTable:
    async def list_models(self) -> ListModelsResponse:
        return ListModelsResponse(data=[model_object(row) for row in await MODELS.alist_rows()])

    async def get_model(self, request: GetModelRequest) -> ModelObject:
        return model_object(await MODELS.aget(request.model_id))

    async def register_model(self, request: RegisterModelRequest) -> ModelObject:
        # The providers a model may name are those of the applied config.
        await aget_stack()
        row = await sync_to_async(model_register)(
            identifier=request.model_id,
            provider_id=request.provider_id,
            provider_resource_id=request.provider_model_id,
            model_type=request.model_type,
            metadata=request.metadata,
        )
        return model_object(row)

    async def unregister_model(self, request: UnregisterModelRequest) -> ModelDeleted:
        await aget_stack()
        await sync_to_async(model_unregister)(identifier=request.model_id)
        return ModelDeleted(id=request.model_id)
