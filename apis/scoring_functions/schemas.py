"""Contracts of the scoring functions API: scoring functions and their params, as Llama Stack describes them."""

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

ParamTypeName = Literal[
    "string",
    "number",
    "boolean",
    "array",
    "object",
    "json",
    "union",
    "chat_completion_input",
    "completion_input",
    "agent_turn_input",
]
AggregationFunction = Literal["average", "weighted_average", "median", "categorical_count", "accuracy"]


class ReturnType(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ParamTypeName = Field(description="The type of each row's score.")


def _compiled(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return patterns


class BasicScoringFnParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["basic"] = "basic"
    aggregation_functions: list[AggregationFunction] = Field(
        default_factory=list, description="How the row scores are summed up; the function's own when empty."
    )


class RegexParserScoringFnParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["regex_parser"] = "regex_parser"
    parsing_regexes: list[str] = Field(
        default_factory=list, description="Regexes tried in order on the answer; group 1 of the first match is it."
    )
    aggregation_functions: list[AggregationFunction] = Field(default_factory=list)

    @field_validator("parsing_regexes")
    @classmethod
    def _valid(cls, value: list[str]) -> list[str]:
        return _compiled(value)


class LLMAsJudgeScoringFnParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["llm_as_judge"] = "llm_as_judge"
    judge_model: str = Field(min_length=1, description="The registered LLM that judges.")
    prompt_template: str | None = Field(
        default=None,
        description="The judge's prompt; {input_query}, {generated_answer}, {expected_answer} and any other column "
        "of the row are filled in. A built-in prompt when omitted.",
    )
    judge_score_regexes: list[str] = Field(
        default_factory=list,
        description="Regexes tried in order on the judge's answer; group 1 of the first match is the score "
        "(a number when it reads as one). 'Score: <number>' when empty.",
    )
    aggregation_functions: list[AggregationFunction] = Field(default_factory=list)

    @field_validator("judge_score_regexes")
    @classmethod
    def _valid(cls, value: list[str]) -> list[str]:
        return _compiled(value)


ScoringFnParams = Annotated[
    LLMAsJudgeScoringFnParams | RegexParserScoringFnParams | BasicScoringFnParams, Field(discriminator="type")
]
PARAMS: TypeAdapter[ScoringFnParams] = TypeAdapter(ScoringFnParams)


class ScoringFn(BaseModel):
    identifier: str = Field(description="The scoring function id to use in requests.")
    provider_resource_id: str = Field(description="The provider's own id for the function.")
    provider_id: str = Field(description="The scoring provider running the function.")
    type: Literal["scoring_function"] = "scoring_function"
    description: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    return_type: ReturnType
    params: ScoringFnParams | None = Field(default=None, description="Default params, used when a request gives none.")


class ListScoringFunctionsResponse(BaseModel):
    data: list[ScoringFn]


class GetScoringFunctionRequest(BaseModel):
    scoring_fn_id: str = Field(description="The scoring function id; may contain '/'.")


class UnregisterScoringFunctionRequest(BaseModel):
    scoring_fn_id: str = Field(description="The scoring function id; may contain '/'.")


class ScoringFunctionDeleted(BaseModel):
    identifier: str
    type: Literal["scoring_function"] = "scoring_function"
    deleted: bool = True


class RegisterScoringFunctionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scoring_fn_id: str = Field(min_length=1, max_length=255, description="The id clients will use.")
    description: str = Field(description="What the function measures.")
    return_type: ReturnType
    provider_scoring_fn_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="The provider's function this one runs (e.g. 'llm-as-judge::base'); defaults to scoring_fn_id.",
    )
    provider_id: str | None = Field(
        default=None, description="The scoring provider running it; optional when there is exactly one."
    )
    params: ScoringFnParams | None = Field(default=None, description="Default params, used when a request gives none.")


class ProviderScoringFn(BaseModel):
    """A function a scoring provider offers, registered under its own id when the provider starts."""

    provider_scoring_fn_id: str
    description: str
    return_type: ReturnType
    params: ScoringFnParams | None = None
