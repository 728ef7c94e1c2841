"""Config of the `inline::llm-as-judge` scoring provider."""

from pydantic import BaseModel, ConfigDict, Field


class LlmAsJudgeScoringConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_concurrency: int = Field(default=8, ge=1, description="Rows of one scoring request judged at once.")
    judge_max_tokens: int | None = Field(
        default=None, ge=1, description="Most tokens a judge's answer may have (the model's own limit when unset)."
    )
