"""Routes of the scoring functions API. Ids may contain '/' (and '::'), hence the `path` converter."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.scoring_functions.protocol import ScoringFunctions
from apis.scoring_functions.schemas import (
    GetScoringFunctionRequest,
    ListScoringFunctionsResponse,
    RegisterScoringFunctionRequest,
    ScoringFn,
    ScoringFunctionDeleted,
    UnregisterScoringFunctionRequest,
)


def create_router(impl: ScoringFunctions) -> Router:
    router = Router(tags=["Scoring functions"])

    @router.get("/scoring-functions", response=ListScoringFunctionsResponse, summary="List scoring functions")
    async def list_scoring_functions(request: HttpRequest) -> ListScoringFunctionsResponse:
        return await impl.list_scoring_functions()

    @router.get("/scoring-functions/{path:scoring_fn_id}", response=ScoringFn, summary="Get a scoring function")
    async def get_scoring_function(request: HttpRequest, params: Path[GetScoringFunctionRequest]) -> ScoringFn:
        return await impl.get_scoring_function(params)

    @router.post("/scoring-functions", response=ScoringFn, summary="Register a scoring function")
    async def register_scoring_function(request: HttpRequest, body: RegisterScoringFunctionRequest) -> ScoringFn:
        return await impl.register_scoring_function(body)

    @router.delete(
        "/scoring-functions/{path:scoring_fn_id}",
        response=ScoringFunctionDeleted,
        summary="Unregister a scoring function",
    )
    async def unregister_scoring_function(
        request: HttpRequest, params: Path[UnregisterScoringFunctionRequest]
    ) -> ScoringFunctionDeleted:
        return await impl.unregister_scoring_function(params)

    return router
