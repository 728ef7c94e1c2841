"""The inference API: routes each request to the provider serving its model, under the provider's own id.

The answer (and every streamed chunk) names the model as the client asked for it. The batches
engine calls this object in process, so it speaks pydantic and raises StackErrors, never HTTP.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from apis.common.errors import BadRequestError, StackError, UpstreamTimeoutError, UpstreamUnavailableError
from apis.inference.protocol import InferenceProvider
from apis.inference.schemas import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Completion,
    CompletionRequest,
    EmbeddingsRequest,
    EmbeddingsResponse,
    OpenAIRequest,
)
from apis.inference.streams import ChunkStream, MappedStream
from apis.models.selectors import aresolve_model
from stackproject.observability import UPSTREAM_ERRORS, UPSTREAM_LATENCY, labelled

Response = TypeVar("Response", bound=BaseModel)
Request = TypeVar("Request", bound=OpenAIRequest)

# What each kind of request needs the model to be.
LLM = "llm"
EMBEDDING = "embedding"
USES = {LLM: "chat and text completions", EMBEDDING: "embeddings"}


def _renamed(model: str) -> Callable[[Response], Response]:
    def rename(item: Response) -> Response:
        item.model = model  # type: ignore[attr-defined]
        return item

    return rename


def _error_kind(error: StackError) -> str:
    if isinstance(error, UpstreamUnavailableError):
        return "unavailable"
    if isinstance(error, UpstreamTimeoutError):
        return "timeout"
    return f"http_{error.status_code}"


async def _measured(provider_id: str, operation: str, call: Awaitable[Any]) -> Any:
    """The provider's answer (for a stream: its opening), timed and counted per provider."""
    started = time.perf_counter()
    try:
        return await call
    except StackError as error:
        labelled(UPSTREAM_ERRORS, provider_id, operation, _error_kind(error)).inc()
        raise
    finally:
        labelled(UPSTREAM_LATENCY, provider_id, operation).observe(time.perf_counter() - started)


class InferenceRouter:
    async def _route(self, request: Request, model_type: str) -> tuple[str, InferenceProvider, Request]:
        """The provider for the request's model, and the request as that provider must receive it."""
        route, stack = await aresolve_model(request.model)
        if route.model_type is not None and route.model_type != model_type:
            raise BadRequestError(
                f"Model '{request.model}' is of type '{route.model_type}'; {USES[model_type]} need a model "
                f"of type '{model_type}'.",
                code="invalid_model_type",
                param="model",
            )
        provider = stack.impl(route.provider_id)
        return route.provider_id, provider, request.model_copy(update={"model": route.provider_resource_id})

    def _answer(self, result: Any, model: str) -> Any:
        if isinstance(result, BaseModel):
            result.model = model  # type: ignore[attr-defined]
            return result
        return MappedStream(result, _renamed(model))

    async def openai_chat_completion(
        self, request: ChatCompletionRequest
    ) -> ChatCompletion | ChunkStream[ChatCompletionChunk]:
        provider_id, provider, routed = await self._route(request, LLM)
        answer = await _measured(provider_id, "chat_completion", provider.openai_chat_completion(routed))
        return self._answer(answer, request.model)

    async def openai_completion(self, request: CompletionRequest) -> Completion | ChunkStream[Completion]:
        provider_id, provider, routed = await self._route(request, LLM)
        answer = await _measured(provider_id, "completion", provider.openai_completion(routed))
        return self._answer(answer, request.model)

    async def openai_embeddings(self, request: EmbeddingsRequest) -> EmbeddingsResponse:
        provider_id, provider, routed = await self._route(request, EMBEDDING)
        answer = await _measured(provider_id, "embeddings", provider.openai_embeddings(routed))
        return self._answer(answer, request.model)
