"""The inference API: routes each request to the provider serving its model, under the provider's own id.

The answer (and every streamed chunk) names the model as the client asked for it. The batches
engine calls this object in process, so it speaks pydantic and raises StackErrors, never HTTP.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from apis.common.errors import BadRequestError
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


class InferenceRouter:
    async def _route(self, request: Request, model_type: str) -> tuple[InferenceProvider, Request]:
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
        return provider, request.model_copy(update={"model": route.provider_resource_id})

    def _answer(self, result: Any, model: str) -> Any:
        if isinstance(result, BaseModel):
            result.model = model  # type: ignore[attr-defined]
            return result
        return MappedStream(result, _renamed(model))

    async def openai_chat_completion(
        self, request: ChatCompletionRequest
    ) -> ChatCompletion | ChunkStream[ChatCompletionChunk]:
        provider, routed = await self._route(request, LLM)
        return self._answer(await provider.openai_chat_completion(routed), request.model)

    async def openai_completion(self, request: CompletionRequest) -> Completion | ChunkStream[Completion]:
        provider, routed = await self._route(request, LLM)
        return self._answer(await provider.openai_completion(routed), request.model)

    async def openai_embeddings(self, request: EmbeddingsRequest) -> EmbeddingsResponse:
        provider, routed = await self._route(request, EMBEDDING)
        return self._answer(await provider.openai_embeddings(routed), request.model)
