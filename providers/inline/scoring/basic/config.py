"""Config of the `inline::basic` scoring provider."""

from pydantic import BaseModel, ConfigDict


class BasicScoringConfig(BaseModel):
    """No options: the functions compare each row's 'generated_answer' with its 'expected_answer'."""

    model_config = ConfigDict(extra="forbid")
