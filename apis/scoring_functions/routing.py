"""The scoring functions API over the scoring-function routing table (with the providers' functions listed)."""

from asgiref.sync import sync_to_async

from apis.scoring_functions.schemas import (
    GetScoringFunctionRequest,
    ListScoringFunctionsResponse,
    RegisterScoringFunctionRequest,
    ScoringFn,
    ScoringFunctionDeleted,
    UnregisterScoringFunctionRequest,
)
from apis.scoring_functions.selectors import ascoring_functions_ensure_listed
from apis.scoring_functions.services import scoring_function_register, scoring_function_unregister
from apis.scoring_functions.table import SCORING_FUNCTIONS, scoring_fn_to_schema


class ScoringFunctionsRoutingTable:
    async def list_scoring_functions(self) -> ListScoringFunctionsResponse:
        await ascoring_functions_ensure_listed()
        rows = await SCORING_FUNCTIONS.alist_rows()
        return ListScoringFunctionsResponse(data=[scoring_fn_to_schema(row) for row in rows])

    async def get_scoring_function(self, request: GetScoringFunctionRequest) -> ScoringFn:
        await ascoring_functions_ensure_listed()
        return scoring_fn_to_schema(await SCORING_FUNCTIONS.aget(request.scoring_fn_id))

    async def register_scoring_function(self, request: RegisterScoringFunctionRequest) -> ScoringFn:
        # Listed first, so that registering a provider's own function id is recognised as the same function.
        await ascoring_functions_ensure_listed()
        row = await sync_to_async(scoring_function_register)(
            identifier=request.scoring_fn_id,
            description=request.description,
            return_type=request.return_type,
            provider_resource_id=request.provider_scoring_fn_id,
            provider_id=request.provider_id,
            params=request.params,
        )
        return scoring_fn_to_schema(row)

    async def unregister_scoring_function(self, request: UnregisterScoringFunctionRequest) -> ScoringFunctionDeleted:
        await ascoring_functions_ensure_listed()
        await sync_to_async(scoring_function_unregister)(identifier=request.scoring_fn_id)
        return ScoringFunctionDeleted(identifier=request.scoring_fn_id)
