"""The model routing table, and the one mapping of its rows to the API's model object."""

from apis.common.errors import ModelNotFoundError
from apis.common.routing_table import RoutingTable
from apis.models.models import Model
from apis.models.schemas import ModelObject
from providers.spec import Api


def model_object(row: Model) -> ModelObject:
    """The API's view of a routing-table row: OpenAI's model object, the routing in `custom_metadata`."""
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


# Requests are routed to models by apis.models.selectors.aresolve_model, which caches routes and
# also takes 'provider_id/provider_model_id'; the table serves registration, reads and the config.
MODELS: RoutingTable[Model, ModelObject] = RoutingTable(
    model=Model,
    resource_type="model",
    provider_api=Api.inference,
    not_found=ModelNotFoundError,
    to_schema=model_object,
    id_param="model_id",
    provider_resource_param="provider_model_id",
)
