"""Concurrent use: requests from many tasks, threads and event loops share the models without crashing.

llama.cpp crashes the whole process when one context is used by two threads at once, so these tests
would not merely fail without the per-model lock: they would end the test run.
"""

import asyncio
import threading
import time
from typing import Any

import pytest

from apis.common.errors import RateLimitError
from apis.inference.schemas import ChatCompletionRequest, CompletionRequest, EmbeddingsRequest
from providers.inline.inference.llama_cpp.models import load_model
from tests.providers.inline.inference.support import (
    CHAT_MODEL,
    COMPLETION_MODEL,
    EMBEDDING_MODEL,
    collect,
    local_provider,
    run,
)

MESSAGES = [{"role": "user", "content": "List three fruits."}]


def chat_request(**fields) -> ChatCompletionRequest:
    return ChatCompletionRequest.model_validate(
        {"model": CHAT_MODEL, "messages": MESSAGES, "max_tokens": 12, "temperature": 0, **fields}
    )


def test_concurrent_requests_on_one_loop_all_succeed_with_the_answers_they_get_alone(provider):
    alone = run(provider.openai_chat_completion(chat_request())).choices[0]["message"]["content"]

    async def many() -> list[str]:
        async def one_stream() -> str:
            chunks = await collect(await provider.openai_chat_completion(chat_request(stream=True)))
            return "".join(chunk.choices[0]["delta"].get("content", "") for chunk in chunks)

        async def one_answer() -> str:
            return (await provider.openai_chat_completion(chat_request())).choices[0]["message"]["content"]

        async def other_models() -> str:
            await provider.openai_embeddings(EmbeddingsRequest(model=EMBEDDING_MODEL, input=["a", "b"]))
            completion = CompletionRequest(model=COMPLETION_MODEL, prompt="Hello", max_tokens=4)
            await provider.openai_completion(completion)
            return alone

        return await asyncio.gather(
            *[one_answer() for _ in range(3)], *[one_stream() for _ in range(3)], other_models()
        )

    assert run(many()) == [alone] * 7


def test_requests_from_threads_each_running_its_own_event_loop_all_succeed(provider):
    # Celery tasks call the provider with asyncio.run, each on its own loop, several at a time.
    answers: list[str] = []
    errors: list[BaseException] = []

    def task() -> None:
        try:
            answer = run(provider.openai_chat_completion(chat_request(max_tokens=6)))
            answers.append(answer.choices[0]["message"]["content"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=task) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(answers) == 4
    assert len(set(answers)) == 1


def test_at_most_max_concurrent_requests_run_and_the_rest_wait_their_turn():
    provider = local_provider(max_concurrent_requests=1, queue_timeout_seconds=0.2)
    with provider._turn():
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            run(provider.openai_chat_completion(chat_request()))
        assert time.monotonic() - started >= 0.2
    assert caught.value.status_code == 429
    assert "Retry-After" in caught.value.headers
    assert run(provider.openai_chat_completion(chat_request(max_tokens=2))).usage["completion_tokens"] <= 2


# Greedy Gemma counts on and on: left alone, this holds the model for 1500 tokens (tens of seconds).
COUNTING = CompletionRequest(
    model=COMPLETION_MODEL, prompt="1, 2, 3, 4, 5,", max_tokens=1500, temperature=0, stream=True
)


def wait_until_released(model: Any) -> float:
    started = time.monotonic()
    while model.lock.locked() and time.monotonic() - started < 10:
        time.sleep(0.01)
    return time.monotonic() - started


@pytest.mark.parametrize("chunks_read", [8, 0])
def test_a_stream_closed_early_releases_the_model_at_once(provider, chunks_read):
    (entry,) = [entry for entry in provider.config.models if entry.id == COMPLETION_MODEL]
    model = load_model(entry)

    async def read_then_leave() -> tuple[str, float]:
        stream = await provider.openai_completion(COUNTING)
        texts = [(await anext(stream)).choices[0]["text"] for _ in range(chunks_read)]
        await stream.aclose()
        # Measured while the loop still runs: a server's loop never ends, so closing must be enough.
        return "".join(texts), await asyncio.to_thread(wait_until_released, model)

    text, waited = run(read_then_leave())
    assert text.startswith(" 6, 7") if chunks_read else text == ""
    assert waited < 2
