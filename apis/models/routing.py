"""The models API over the model routing table."""

from asgiref.sync import sync_to_async

from apis.access.guards import readable
from apis.access.identity import owner_fields
from apis.models.models import Model
from apis.models.schemas import (
    GetModelRequest,
    ListModelsResponse,
    ModelDeleted,
    ModelObject,
    RegisterModelRequest,
    UnregisterModelRequest,
)
from apis.models.selectors import amodel_get, models_list
from apis.models.services import model_register, model_unregister
from providers.resolver import aget_stack

# Keys of custom_metadata that the routing details own; a model's metadata cannot shadow them.
ROUTING_KEYS = ("model_type", "provider_id", "provider_resource_id", "source")


def model_object(row: Model) -> ModelObject:
    """The API's view of a routing-table row."""
    return ModelObject(
        id=row.identifier,
        created=int(row.created_at.timestamp()),
        owned_by=row.provider_id,
        custom_metadata={
            **row.metadata,
            "model_type": row.model_type,
            "provider_id": row.provider_id,
            "provider_resource_id": row.provider_resource_id,
            "source": row.source,
        },
    )


class ModelsRoutingTable:
    async def list_models(self) -> ListModelsResponse:
        # Building the stack applies the distribution config, whose models must be listed too.
        await aget_stack()
        rows = [row async for row in models_list()]
        return ListModelsResponse(data=[model_object(row) for row in readable("model", rows, "identifier")])

    async def get_model(self, request: GetModelRequest) -> ModelObject:
        await aget_stack()
        return model_object(await amodel_get(request.model_id))

    async def register_model(self, request: RegisterModelRequest) -> ModelObject:
        # The providers a model may name are those of the applied config.
        await aget_stack()
        row = await sync_to_async(model_register)(
            identifier=request.model_id,
            provider_id=request.provider_id,
            provider_resource_id=request.provider_model_id,
            model_type=request.model_type,
            metadata=request.metadata,
            # Who registers the model owns it (unowned when authentication is off).
            **owner_fields(),
        )
        return model_object(row)

    async def unregister_model(self, request: UnregisterModelRequest) -> ModelDeleted:
        await aget_stack()
        await sync_to_async(model_unregister)(identifier=request.model_id)
        return ModelDeleted(id=request.model_id)
