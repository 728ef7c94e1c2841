"""The scoring API: routes each scoring function to the provider running it; score-batch reads the dataset
through the datasetio API and can save the scored rows as a new dataset."""

import secrets
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings

from apis.common.errors import BadRequestError
from apis.datasetio.routing import adataset_rows
from apis.datasets.schemas import RowsDataSource
from apis.datasets.services import dataset_register
from apis.datasets.table import DATASETS
from apis.scoring.protocol import ScoringProvider
from apis.scoring.schemas import (
    ScoreBatchRequest,
    ScoreBatchResponse,
    ScoreRequest,
    ScoreResponse,
    ScoringResult,
)
from apis.scoring_functions.schemas import ScoringFnParams
from apis.scoring_functions.selectors import ascoring_functions_ensure_listed
from apis.scoring_functions.table import SCORING_FUNCTIONS
from providers.resolver import api_impl
from providers.spec import Api


def max_rows() -> int:
    return int(settings.STACK_SCORING_MAX_ROWS)


class ScoringRouter:
    async def _score(
        self, input_rows: list[dict[str, Any]], functions: dict[str, ScoringFnParams | None]
    ) -> dict[str, ScoringResult]:
        await ascoring_functions_ensure_listed()
        results = {}
        for identifier, params in functions.items():
            route = await SCORING_FUNCTIONS.aroute(identifier, param=f"scoring_functions.{identifier}")
            provider: ScoringProvider = route.provider
            results[identifier] = await provider.score(route.resource, params or route.resource.params, input_rows)
        return results

    async def score(self, request: ScoreRequest) -> ScoreResponse:
        if len(request.input_rows) > max_rows():
            raise BadRequestError(
                f"At most {max_rows()} rows are scored in one request; got {len(request.input_rows)}.",
                param="input_rows",
            )
        return ScoreResponse(results=await self._score(request.input_rows, request.scoring_functions))

    async def score_batch(self, request: ScoreBatchRequest) -> ScoreBatchResponse:
        dataset = await DATASETS.aget(request.dataset_id, param="dataset_id")
        rows = await adataset_rows(api_impl(Api.datasetio), request.dataset_id, limit=max_rows() + 1)
        if len(rows) > max_rows():
            raise BadRequestError(
                f"Dataset '{request.dataset_id}' has more than {max_rows()} rows, the most scored in one request.",
                param="dataset_id",
            )
        results = await self._score(rows, request.scoring_functions)
        if not request.save_results_dataset:
            return ScoreBatchResponse(results=results)
        scored = [
            {**row, **{identifier: result.score_rows[index] for identifier, result in results.items()}}
            for index, row in enumerate(rows)
        ]
        saved = await sync_to_async(dataset_register)(
            purpose=dataset.purpose,  # type: ignore[arg-type]
            source=RowsDataSource(rows=scored),
            metadata={"scored_dataset_id": request.dataset_id, "scoring_functions": list(results)},
            dataset_id=f"{request.dataset_id}-scores-{secrets.token_hex(4)}",
            provider_id=dataset.provider_id,
        )
        return ScoreBatchResponse(dataset_id=saved.identifier, results=results)
