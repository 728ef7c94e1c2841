"""Config of the `inline::llama-guard` safety provider."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from providers.inline.safety.llama_guard.prompt import CATEGORIES


class LlamaGuardConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    excluded_categories: list[str] = Field(
        default_factory=list, description="Category codes ('S1'...'S14') left out of the policy and never flagged."
    )
    max_concurrency: int = Field(default=8, ge=1, description="Inputs of one moderation request classified at once.")

    @field_validator("excluded_categories")
    @classmethod
    def _known_codes(cls, codes: list[str]) -> list[str]:
        unknown = [code for code in codes if code not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown categories {', '.join(unknown)}: use codes S1 to S{len(CATEGORIES)}")
        return codes
