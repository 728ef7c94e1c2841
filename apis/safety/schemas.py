"""Contracts of the safety API: run-shield (Llama Stack) and moderations (OpenAI)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ViolationLevel = Literal["info", "warn", "error"]


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="'text' parts are checked; other parts are ignored.")
    text: str | None = None


class Message(BaseModel):
    """An OpenAI chat message; fields other than role and content are kept but not checked."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        """The message's text: its string content, or its text parts joined by spaces."""
        if isinstance(self.content, str):
            return self.content
        return " ".join(part.text for part in self.content or [] if part.type == "text" and part.text)


class RunShieldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shield_id: str = Field(min_length=1, description="The shield to run.")
    messages: list[Message] = Field(min_length=1, description="The conversation to check.")
    params: dict[str, Any] = Field(default_factory=dict, description="Options for this run.")


class SafetyViolation(BaseModel):
    violation_level: ViolationLevel
    user_message: str | None = Field(default=None, description="What to tell the user instead of an answer.")
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="'violation_type' (the categories, comma-separated) and provider details."
    )


class RunShieldResponse(BaseModel):
    violation: SafetyViolation | None = Field(description="None when the messages are safe.")


class CreateModerationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: str | Annotated[list[str], Field(min_length=1)] = Field(description="The text, or texts, to classify.")
    model: str | None = Field(
        default=None, description="The shield that classifies; optional when the caller can see exactly one."
    )


class ModerationResult(BaseModel):
    flagged: bool
    categories: dict[str, bool] = Field(description="Each category of the shield, and whether the input falls in it.")
    category_scores: dict[str, float]
    category_applied_input_types: dict[str, list[str]] = Field(default_factory=dict)
    user_message: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class ModerationObject(BaseModel):
    id: str
    model: str = Field(description="The shield that classified the input.")
    results: list[ModerationResult] = Field(description="One result per input, in order.")
