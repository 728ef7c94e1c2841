"""The inference API in process, as the batches engine calls it: pydantic in, pydantic out, StackErrors raised."""

import asyncio
import threading
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from apis.common.errors import BadRequestError, ModelNotFoundError, UpstreamError
from apis.inference.routing import InferenceRouter
from apis.inference.schemas import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Completion,
    CompletionRequest,
    EmbeddingsRequest,
    EmbeddingsResponse,
)
from apis.models import selectors
from providers.resolver import api_impl, get_stack
from tests.support.db import queries_in_sync_thread
from tests.support.upstream import Upstream

HELLO = [{"role": "user", "content": "hello"}]


def chat(model: str, **extra: Any) -> ChatCompletionRequest:
    return ChatCompletionRequest(model=model, messages=HELLO, **extra)


@pytest.mark.django_db
def test_the_apps_impl_is_the_router() -> None:
    assert isinstance(api_impl("inference"), InferenceRouter)


@pytest.mark.django_db
def test_answers_are_pydantic_and_named_as_requested(models: None) -> None:
    router = InferenceRouter()
    answer = async_to_sync(router.openai_chat_completion)(chat("echo"))
    assert isinstance(answer, ChatCompletion)
    assert answer.model == "echo"
    assert answer.choices[0]["message"]["content"] == "echo: hello"
    completion = async_to_sync(router.openai_completion)(CompletionRequest(model="echo", prompt="p"))
    assert isinstance(completion, Completion) and completion.model == "echo"
    embeddings = async_to_sync(router.openai_embeddings)(EmbeddingsRequest(model="embed", input="x"))
    assert isinstance(embeddings, EmbeddingsResponse) and embeddings.model == "embed"
    assert len(embeddings.data[0]["embedding"]) == 8


@pytest.mark.django_db
def test_failures_are_raised_as_stack_errors(models: None) -> None:
    router = InferenceRouter()
    with pytest.raises(ModelNotFoundError):
        async_to_sync(router.openai_chat_completion)(chat("nope"))
    with pytest.raises(BadRequestError):
        async_to_sync(router.openai_chat_completion)(chat("embed"))
    with pytest.raises(UpstreamError) as rejected:
        async_to_sync(router.openai_chat_completion)(chat("fail-400"))
    assert rejected.value.status_code == 400
    with pytest.raises(UpstreamError) as failed:
        async_to_sync(router.openai_chat_completion)(chat("fail-500"))
    assert failed.value.status_code == 502


@pytest.mark.django_db
def test_streams_yield_typed_chunks_and_closing_one_cancels_the_upstream_request(
    models: None, upstream: Upstream
) -> None:
    router = InferenceRouter()

    async def first_chunks(model: str, count: int) -> list[ChatCompletionChunk]:
        stream = await router.openai_chat_completion(chat(model, stream=True))
        chunks = []
        try:
            async for chunk in stream:
                chunks.append(chunk)
                if len(chunks) == count:
                    break
        finally:
            await stream.aclose()
        return chunks

    everything = async_to_sync(first_chunks)("echo", 100)
    assert all(isinstance(chunk, ChatCompletionChunk) and chunk.model == "echo" for chunk in everything)
    assert "".join(c.choices[0]["delta"].get("content", "") for c in everything if c.choices) == "echo: hello"

    upstream.reset()
    assert len(async_to_sync(first_chunks)("slow-stream", 2)) == 2
    deadline = time.monotonic() + 5
    while not upstream.cancelled() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [entry["model"] for entry in upstream.cancelled()] == ["slow-stream"]


@pytest.mark.django_db(transaction=True)
def test_each_event_loop_gets_its_own_client(models: None, own_loops: None) -> None:
    """Celery tasks call the router under asyncio.run, one loop per task, also from several threads."""
    router = InferenceRouter()

    def call() -> str:
        return asyncio.run(router.openai_chat_completion(chat("echo"))).choices[0]["message"]["content"]

    assert call() == "echo: hello"
    assert call() == "echo: hello"
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(call())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["echo: hello"] * 4
    client = get_stack().impl("up").client
    # Every loop so far has ended: the next one drops their clients.
    assert call() == "echo: hello"
    assert len(client._per_loop) == 1


@pytest.mark.django_db(transaction=True)
def test_an_expired_route_is_read_again_by_one_request_while_the_others_keep_it(
    models: None, own_loops: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "ROUTE_CACHE_SECONDS", 0.05)

    async def scenario() -> None:
        route, _ = await selectors.aresolve_model("echo")
        await asyncio.sleep(0.1)
        async with queries_in_sync_thread() as queries:
            routes = await asyncio.gather(*(selectors.aresolve_model("echo") for _ in range(10)))
        assert [found for found, _ in routes] == [route] * 10
        assert len([sql for sql in queries if '"models_model"' in sql]) == 1

    asyncio.run(scenario())

