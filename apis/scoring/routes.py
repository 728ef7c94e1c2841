"""Routes of the scoring API."""

from django.http import HttpRequest
from ninja import Router

from apis.scoring.protocol import Scoring
from apis.scoring.schemas import ScoreBatchRequest, ScoreBatchResponse, ScoreRequest, ScoreResponse


def create_router(impl: Scoring) -> Router:
    router = Router(tags=["Scoring"])

    @router.post("/scoring/score", response=ScoreResponse, summary="Score rows with scoring functions")
    async def score(request: HttpRequest, body: ScoreRequest) -> ScoreResponse:
        return await impl.score(body)

    @router.post("/scoring/score-batch", response=ScoreBatchResponse, summary="Score a dataset's rows")
    async def score_batch(request: HttpRequest, body: ScoreBatchRequest) -> ScoreBatchResponse:
        return await impl.score_batch(body)

    return router
