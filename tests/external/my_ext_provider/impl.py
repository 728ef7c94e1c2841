"""The example external provider: a complete inference provider that needs no model."""

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

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
from my_ext_provider.config import MyExtConfig


class ReverseProvider:
    def __init__(self, config: MyExtConfig) -> None:
        self.config = config

    def _answer(self, text: str) -> str:
        return self.config.prefix + text[::-1]

    async def openai_chat_completion(
        self, request: ChatCompletionRequest
    ) -> ChatCompletion | AsyncIterator[ChatCompletionChunk]:
        content = str(request.messages[-1].get("content", ""))
        answer = self._answer(content)
        return ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex}",
            created=int(time.time()),
            model=request.model,
            choices=[{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            usage={"prompt_tokens": len(content), "completion_tokens": len(answer),
                   "total_tokens": len(content) + len(answer)},
        )

    async def openai_completion(self, request: CompletionRequest) -> Completion | AsyncIterator[Completion]:
        prompt = request.prompt if isinstance(request.prompt, str) else str(request.prompt)
        return Completion(
            id=f"cmpl-{uuid.uuid4().hex}",
            created=int(time.time()),
            model=request.model,
            choices=[{"index": 0, "text": self._answer(prompt), "finish_reason": "stop", "logprobs": None}],
        )

    async def openai_embeddings(self, request: EmbeddingsRequest) -> EmbeddingsResponse:
        texts = [request.input] if isinstance(request.input, str) else [str(item) for item in request.input]
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(text)), float(sum(map(ord, text)) % 97)]}
            for i, text in enumerate(texts)
        ]
        return EmbeddingsResponse(model=request.model, data=data)

    async def list_provider_models(self) -> list[ProviderModel] | None:
        return [ProviderModel(provider_model_id="reverser", model_type="llm")]

    async def health(self) -> dict[str, Any]:
        return {"status": "OK"}


def get_provider_impl(config: MyExtConfig, deps: dict[str, Any]) -> ReverseProvider:
    return ReverseProvider(config)
