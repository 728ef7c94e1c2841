"""The scoring API (what the routes call) and what a scoring provider implements."""

from typing import Any, Protocol

from apis.scoring.schemas import ScoreBatchRequest, ScoreBatchResponse, ScoreRequest, ScoreResponse, ScoringResult
from apis.scoring_functions.schemas import ProviderScoringFn, ScoringFn, ScoringFnParams


class Scoring(Protocol):
    async def score(self, request: ScoreRequest) -> ScoreResponse: ...

    async def score_batch(self, request: ScoreBatchRequest) -> ScoreBatchResponse: ...


class ScoringProvider(Protocol):
    """Runs the scoring functions registered with it; `scoring_fn.provider_resource_id` is its own id for one.

    A provider may also have `async register_scoring_function(scoring_fn)` (refuse a function it cannot
    run with a BadRequestError; called again by each process, so idempotent): see apis.common.routing_table.
    """

    async def list_scoring_functions(self) -> list[ProviderScoringFn]:
        """The functions the provider offers; they are registered (source listed_from_provider) at start."""
        ...

    async def score(
        self, scoring_fn: ScoringFn, params: ScoringFnParams | None, input_rows: list[dict[str, Any]]
    ) -> ScoringResult:
        """One score row per input row, in order, and the aggregated results; `params` are the request's own,
        or the function's when the request gave none."""
        ...
