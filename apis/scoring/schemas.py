"""Contracts of the scoring API: rows in, a score per row and aggregated results per scoring function out."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apis.scoring_functions.schemas import ScoringFnParams


class ScoringResult(BaseModel):
    score_rows: list[dict[str, Any]] = Field(
        description="One per input row, in order: {'score': ...} and whatever else the function reports."
    )
    aggregated_results: dict[str, Any] = Field(description="The scores summed up, per aggregation function.")


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input_rows: list[dict[str, Any]] = Field(
        description="The rows to score; most functions read 'generated_answer' and 'expected_answer'."
    )
    scoring_functions: dict[str, ScoringFnParams | None] = Field(
        min_length=1, description="The functions to run, each with params for this request or null for its own."
    )


class ScoreResponse(BaseModel):
    results: dict[str, ScoringResult] = Field(description="Per scoring function id.")


class ScoreBatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(description="The dataset whose rows are scored.")
    scoring_functions: dict[str, ScoringFnParams | None] = Field(
        min_length=1, description="The functions to run, each with params for this request or null for its own."
    )
    save_results_dataset: bool = Field(
        default=False, description="Also register a dataset of the rows with their scores (owned by the caller)."
    )


class ScoreBatchResponse(BaseModel):
    dataset_id: str | None = Field(default=None, description="The dataset of the results, when one was saved.")
    results: dict[str, ScoringResult]
