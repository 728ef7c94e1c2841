"""The inference adapter for OpenAI-compatible services: requests go out as sent, answers come back typed."""

import json
import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from apis.common.errors import StackError, UpstreamError, UpstreamUnavailableError
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
from apis.inference.streams import MappedStream
from providers.remote.inference.openai_compat.client import OpenAICompatClient, error_detail
from providers.remote.inference.openai_compat.config import OpenAICompatibleConfig

logger = logging.getLogger(__name__)

Response = TypeVar("Response", bound=BaseModel)

HEALTH_TIMEOUT_SECONDS = 3.0


def parse_response(schema: type[Response], body: bytes | str) -> Response:
    try:
        return schema.model_validate_json(body)
    except ValidationError as exc:
        raise UpstreamUnavailableError(
            f"The model service sent an answer that is not a valid {schema.__name__}: {exc.errors()[0]['msg']}."
        ) from exc


def parse_chunk(schema: type[Response], payload: bytes) -> Response:
    """One streamed event; an error event from the service becomes the error it reports."""
    try:
        return schema.model_validate_json(payload)
    except ValidationError as exc:
        try:
            data = json.loads(payload)
        except ValueError:
            data = None
        if isinstance(data, dict) and "error" in data:
            message, code, param, _ = error_detail(payload)
            raise UpstreamError(
                message or "The model service reported an error in the stream.",
                status_code=502,
                code=code or "upstream_error",
                param=param,
            ) from exc
        raise UpstreamUnavailableError(
            f"The model service streamed an event that is not a valid {schema.__name__}: {exc.errors()[0]['msg']}."
        ) from exc


def _chat_chunk(payload: bytes) -> ChatCompletionChunk:
    return parse_chunk(ChatCompletionChunk, payload)


def _completion_chunk(payload: bytes) -> Completion:
    return parse_chunk(Completion, payload)


def listed_model(entry: dict[str, Any]) -> ProviderModel | None:
    """A model from the service's `GET /models`, or None when it cannot be registered.

    OpenAI's listing has no model type: services that tell it (Llama Stack style `custom_metadata`,
    a `model_type` field, Together's `type`) are followed; anything else is an LLM. An embedding
    model is only usable with its dimension.
    """
    model_id = entry.get("id")
    if not isinstance(model_id, str) or not model_id:
        return None
    metadata = entry.get("custom_metadata") or entry.get("metadata") or {}
    if not isinstance(metadata, dict):
        metadata = {}
    model_type = entry.get("model_type") or metadata.get("model_type") or entry.get("type")
    if model_type not in ("llm", "embedding", "rerank"):
        model_type = "llm"
    extra = {}
    if model_type == "embedding":
        dimension = metadata.get("embedding_dimension") or entry.get("embedding_dimension")
        if not isinstance(dimension, int) or dimension < 1:
            logger.info("Embedding model '%s' is listed without its dimension; not registered.", model_id)
            return None
        extra["embedding_dimension"] = dimension
        if isinstance(metadata.get("context_length"), int):
            extra["context_length"] = metadata["context_length"]
    return ProviderModel(provider_model_id=model_id, model_type=model_type, metadata=extra)


class OpenAICompatInferenceAdapter:
    """Implements `InferenceProvider` for one OpenAI-compatible service."""

    def __init__(self, config: OpenAICompatibleConfig) -> None:
        self.config = config
        self.client = OpenAICompatClient(
            base_url=config.base_url,
            api_key=config.api_key.get_secret_value() if config.api_key else None,
            timeout=config.timeout,
            connect_timeout=config.connect_timeout,
            max_retries=config.max_retries,
            max_concurrent_requests=config.max_concurrent_requests,
            extra_headers=config.extra_headers,
        )

    @property
    def max_concurrent_requests(self) -> int | None:
        """The configured bound of requests in flight per process (callers fanning out respect it)."""
        return self.config.max_concurrent_requests

    async def openai_chat_completion(
        self, request: ChatCompletionRequest
    ) -> ChatCompletion | MappedStream[bytes, ChatCompletionChunk]:
        payload = request.model_dump_json(exclude_unset=True).encode()
        if request.stream:
            return MappedStream(await self.client.stream("/chat/completions", payload), _chat_chunk)
        return parse_response(ChatCompletion, await self.client.request("POST", "/chat/completions", payload))

    async def openai_completion(self, request: CompletionRequest) -> Completion | MappedStream[bytes, Completion]:
        payload = request.model_dump_json(exclude_unset=True).encode()
        if request.stream:
            return MappedStream(await self.client.stream("/completions", payload), _completion_chunk)
        return parse_response(Completion, await self.client.request("POST", "/completions", payload))

    async def openai_embeddings(self, request: EmbeddingsRequest) -> EmbeddingsResponse:
        payload = request.model_dump_json(exclude_unset=True).encode()
        return parse_response(EmbeddingsResponse, await self.client.request("POST", "/embeddings", payload))

    async def list_provider_models(self) -> list[ProviderModel] | None:
        if not self.config.refresh_models:
            return None
        body = await self.client.request("GET", "/models")
        try:
            entries = json.loads(body).get("data")
        except (ValueError, AttributeError) as exc:
            raise UpstreamUnavailableError("The model service's model list is not valid JSON.") from exc
        if not isinstance(entries, list):
            raise UpstreamUnavailableError("The model service's model list has no 'data' list.")
        models = (listed_model(entry) for entry in entries if isinstance(entry, dict))
        return [model for model in models if model is not None]

    async def health(self) -> dict[str, Any]:
        try:
            await self.client.request("GET", "/models", timeout=HEALTH_TIMEOUT_SECONDS)
        except StackError as exc:
            return {"status": "Error", "message": exc.message}
        return {"status": "OK"}
