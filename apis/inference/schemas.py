"""Contracts of the inference API: the OpenAI request and response shapes.

Requests accept every OpenAI parameter (the known ones typed, any other passed through unchanged);
responses keep every field the provider returns.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class OpenAIRequest(BaseModel):
    """Unknown fields are kept and sent on to the provider."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(description="The id of a registered model, or 'provider_id/provider_model_id'.")


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool | None = Field(default=None, description="Send a last chunk with the token usage.")


class SamplingFields(OpenAIRequest):
    temperature: float | None = Field(default=None, ge=0, le=2, description="Sampling temperature.")
    top_p: float | None = Field(default=None, ge=0, le=1, description="Nucleus sampling probability mass.")
    n: int | None = Field(default=None, ge=1, le=128, description="How many choices to generate.")
    stop: str | list[str] | None = Field(default=None, description="Up to 4 sequences where generation stops.")
    stream: bool | None = Field(default=None, description="Answer as server-sent events, chunk by chunk.")
    stream_options: StreamOptions | None = Field(default=None, description="Options for streaming.")
    max_tokens: int | None = Field(default=None, ge=1, description="Most tokens to generate.")
    seed: int | None = Field(default=None, description="Seed for deterministic sampling.")
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    logit_bias: dict[str, float] | None = Field(default=None)
    user: str | None = Field(default=None, description="An id of the end user.")


class ChatCompletionRequest(SamplingFields):
    messages: list[dict[str, Any]] = Field(min_length=1, description="The conversation so far.")
    max_completion_tokens: int | None = Field(default=None, ge=1, description="Most tokens to generate.")
    tools: list[dict[str, Any]] | None = Field(default=None, description="Tools the model may call.")
    tool_choice: str | dict[str, Any] | None = Field(default=None, description="How the model picks tools.")
    parallel_tool_calls: bool | None = Field(default=None)
    response_format: dict[str, Any] | None = Field(default=None, description="Text, JSON object or JSON schema.")
    logprobs: bool | None = Field(default=None, description="Return log probabilities of the output tokens.")
    top_logprobs: int | None = Field(default=None, ge=0, le=20)


class CompletionRequest(SamplingFields):
    prompt: str | list[str] | list[int] | list[list[int]] = Field(description="The prompt(s) to complete.")
    echo: bool | None = Field(default=None, description="Echo back the prompt in addition to the completion.")
    suffix: str | None = Field(default=None)
    best_of: int | None = Field(default=None, ge=1)
    logprobs: int | None = Field(default=None, ge=0, le=5)


class EmbeddingsRequest(OpenAIRequest):
    input: str | list[str] | list[int] | list[list[int]] = Field(description="The text(s) or token ids to embed.")
    encoding_format: Literal["float", "base64"] | None = Field(default=None)
    dimensions: int | None = Field(default=None, ge=1)
    user: str | None = Field(default=None)


class OpenAIResponse(BaseModel):
    """Every field the provider returns is kept."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(description="The model id, as the client named it.")


class ChatCompletion(OpenAIResponse):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    choices: list[dict[str, Any]]
    usage: dict[str, Any] | None = None


class ChatCompletionChunk(OpenAIResponse):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    choices: list[dict[str, Any]]
    usage: dict[str, Any] | None = None


class Completion(OpenAIResponse):
    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int
    choices: list[dict[str, Any]]
    usage: dict[str, Any] | None = None


class EmbeddingsResponse(OpenAIResponse):
    object: Literal["list"] = "list"
    data: list[dict[str, Any]]
    usage: dict[str, Any] | None = None


class ProviderModel(BaseModel):
    """A model a provider says it serves."""

    provider_model_id: str
    model_type: Literal["llm", "embedding", "rerank"] = "llm"
    metadata: dict[str, Any] = Field(default_factory=dict)
