"""The scoring functions API, as the routes call it."""

from typing import Protocol

from apis.scoring_functions.schemas import (
    GetScoringFunctionRequest,
    ListScoringFunctionsResponse,
    RegisterScoringFunctionRequest,
    ScoringFn,
    ScoringFunctionDeleted,
    UnregisterScoringFunctionRequest,
)


class ScoringFunctions(Protocol):
    async def list_scoring_functions(self) -> ListScoringFunctionsResponse: ...

    async def get_scoring_function(self, request: GetScoringFunctionRequest) -> ScoringFn: ...

    async def register_scoring_function(self, request: RegisterScoringFunctionRequest) -> ScoringFn: ...

    async def unregister_scoring_function(
        self, request: UnregisterScoringFunctionRequest
    ) -> ScoringFunctionDeleted: ...
