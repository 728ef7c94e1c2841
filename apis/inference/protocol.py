"""The inference API (what the routes call) and what an inference provider implements.

A streaming request (`stream: true`) returns an async iterator of chunks instead of one response,
already opened: errors the provider reports before its first chunk are raised by the call itself.
The iterator should have `aclose()` (an async generator has), which whoever iterates calls however
the iteration ends; closing before the end cancels the request at the provider.
"""

from collections.abc import AsyncIterator
from typing import Any, Protocol

from apis.inference.schemas import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Completion,
    CompletionRequest,
    EmbeddingsRequest,
    EmbeddingsResponse,
    ProviderModel,
)


class Inference(Protocol):
    async def openai_chat_completion(
        self, request: ChatCompletionRequest
    ) -> ChatCompletion | AsyncIterator[ChatCompletionChunk]: ...

    async def openai_completion(self, request: CompletionRequest) -> Completion | AsyncIterator[Completion]: ...

    async def openai_embeddings(self, request: EmbeddingsRequest) -> EmbeddingsResponse: ...


class InferenceProvider(Inference, Protocol):
    """Called with `request.model` already set to the provider's own id for the model."""

    async def list_provider_models(self) -> list[ProviderModel] | None:
        """The models the provider serves, or None when it cannot list them."""
        ...

    async def health(self) -> dict[str, Any]:
        """`{"status": "OK" | "Error", "message": ...}`."""
        ...
