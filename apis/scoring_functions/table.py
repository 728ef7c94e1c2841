"""The scoring-function routing table, and the one mapping of its rows to the API's `ScoringFn`."""

from apis.common.errors import ScoringFunctionNotFoundError
from apis.common.routing_table import RoutingTable
from apis.scoring_functions.models import RegisteredScoringFunction
from apis.scoring_functions.schemas import PARAMS, ReturnType, ScoringFn
from providers.spec import Api


def scoring_fn_to_schema(row: RegisteredScoringFunction) -> ScoringFn:
    return ScoringFn(
        identifier=row.identifier,
        provider_resource_id=row.provider_resource_id,
        provider_id=row.provider_id,
        description=row.description or None,
        metadata=row.metadata,
        return_type=ReturnType.model_validate(row.return_type),
        params=PARAMS.validate_python(row.params) if row.params is not None else None,
    )


SCORING_FUNCTIONS: RoutingTable[RegisteredScoringFunction, ScoringFn] = RoutingTable(
    model=RegisteredScoringFunction,
    resource_type="scoring_function",
    provider_api=Api.scoring,
    not_found=ScoringFunctionNotFoundError,
    to_schema=scoring_fn_to_schema,
    id_param="scoring_fn_id",
    provider_resource_param="provider_scoring_fn_id",
)
