"""Config of the `inline::builtin` tool runtime provider."""

from pydantic import BaseModel, ConfigDict, Field


class BuiltinToolRuntimeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_expression_length: int = Field(
        default=1000, ge=1, le=100_000, description="Longest expression the calculator accepts, in characters."
    )
    max_integer_digits: int = Field(
        default=1000,
        ge=1,
        le=4000,
        description="Most decimal digits of an integer the calculator computes, in results and along the way.",
    )
