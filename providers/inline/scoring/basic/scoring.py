"""The `inline::basic` scoring provider: exact, substring and multiple-choice comparisons, no model needed."""

from typing import Any

from apis.common.errors import BadRequestError
from apis.scoring.aggregation import aggregate
from apis.scoring.schemas import ScoringResult
from apis.scoring_functions.schemas import (
    BasicScoringFnParams,
    ProviderScoringFn,
    RegexParserScoringFnParams,
    ScoringFn,
    ScoringFnParams,
)
from providers.inline.scoring.basic.config import BasicScoringConfig
from providers.inline.scoring.basic.functions import FUNCTIONS, REGEX_PARSER_MULTIPLE_CHOICE


class BasicScoring:
    def __init__(self, config: BasicScoringConfig) -> None:
        self.config = config

    async def health(self) -> dict[str, Any]:
        return {"status": "OK"}

    async def list_scoring_functions(self) -> list[ProviderScoringFn]:
        return [definition for definition, _ in FUNCTIONS.values()]

    def _check(self, scoring_fn: ScoringFn, params: ScoringFnParams | None, param: str) -> None:
        function = scoring_fn.provider_resource_id
        if function not in FUNCTIONS:
            raise BadRequestError(
                f"Scoring function '{scoring_fn.identifier}' names '{function}', which provider "
                f"'{scoring_fn.provider_id}' does not have; its functions: {', '.join(FUNCTIONS)}.",
                param="provider_scoring_fn_id",
            )
        allowed: tuple[type, ...] = (BasicScoringFnParams,)
        if function == REGEX_PARSER_MULTIPLE_CHOICE:
            allowed = (BasicScoringFnParams, RegexParserScoringFnParams)
        if params is not None and not isinstance(params, allowed):
            raise BadRequestError(
                f"Scoring function '{scoring_fn.identifier}' ({function}) takes params of type "
                f"{' or '.join(repr(kind.model_fields['type'].default) for kind in allowed)}, not '{params.type}'.",
                param=param,
            )

    async def register_scoring_function(self, scoring_fn: ScoringFn) -> None:
        self._check(scoring_fn, scoring_fn.params, "params")

    async def score(
        self, scoring_fn: ScoringFn, params: ScoringFnParams | None, input_rows: list[dict[str, Any]]
    ) -> ScoringResult:
        self._check(scoring_fn, params, f"scoring_functions.{scoring_fn.identifier}")
        definition, scorer = FUNCTIONS[scoring_fn.provider_resource_id]
        score_rows = [scorer(row, params, index) for index, row in enumerate(input_rows)]
        aggregations = (params.aggregation_functions if params else None) or (
            definition.params.aggregation_functions if definition.params else ["accuracy"]
        )
        return ScoringResult(score_rows=score_rows, aggregated_results=aggregate(score_rows, aggregations))
