"""Benchmark of the built-in local model (inline::llama-cpp), in process, on this machine's CPU.

    .venv/bin/python bench/local_model.py [--runs 10] [--threads N]

Prints, for chat (SmolLM2-135M-Instruct), text completion (Gemma 3 270M) and embeddings (Gemma 3
270M, mean pooling): the load time, p50 and p90 latency, generated tokens per second, and for
streamed chat the p50 time to the first token. Needs requirements-local.txt installed.
"""

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apis.inference.schemas import ChatCompletionRequest, CompletionRequest, EmbeddingsRequest  # noqa: E402
from providers.inline.inference.llama_cpp import LlamaCppInferenceConfig, get_provider_impl  # noqa: E402
from providers.inline.inference.llama_cpp.config import DEFAULT_MODELS  # noqa: E402
from providers.inline.inference.llama_cpp.models import load_model  # noqa: E402

STORY = [{"role": "user", "content": "Write a long story about a dragon who learns to bake bread."}]
SENTENCES = [f"Sentence {index}: the weather today is {word}." for index, word in enumerate(["sunny", "wet"] * 16)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, seconds: list[float], tokens: list[int] | None = None, unit: str = "tokens") -> None:
    line = f"{name:<34} p50 {statistics.median(seconds) * 1000:8.1f} ms   p90 {percentile(seconds, 0.9) * 1000:8.1f} ms"
    if tokens is not None:
        line += f"   {sum(tokens) / sum(seconds):8.1f} {unit}/s   ({statistics.mean(tokens):.0f} {unit} per call)"
    print(line, flush=True)


async def timed(runs: int, call: Callable[[], Awaitable[Any]]) -> tuple[list[float], list[Any]]:
    seconds, results = [], []
    for _ in range(runs):
        started = time.perf_counter()
        results.append(await call())
        seconds.append(time.perf_counter() - started)
    return seconds, results


async def bench(runs: int, threads: int) -> None:
    models = [entry.model_copy(update={"threads": threads}) for entry in DEFAULT_MODELS]
    provider = get_provider_impl(LlamaCppInferenceConfig(models=models), {})
    chat_entry, completion_entry, embedding_entry = models
    for entry in models:
        started = time.perf_counter()
        await asyncio.to_thread(load_model, entry)
        print(f"load {entry.id:<29} {time.perf_counter() - started:8.2f} s", flush=True)

    for max_tokens in (16, 64):
        request = ChatCompletionRequest(model=chat_entry.id, messages=STORY, max_tokens=max_tokens, temperature=0.7)
        seconds, answers = await timed(runs, lambda request=request: provider.openai_chat_completion(request))
        tokens = [answer.usage["completion_tokens"] for answer in answers]
        report(f"chat {chat_entry.id} max {max_tokens}", seconds, tokens)

    async def first_token() -> float:
        request = ChatCompletionRequest(model=chat_entry.id, messages=STORY, max_tokens=16, stream=True)
        started = time.perf_counter()
        stream = await provider.openai_chat_completion(request)
        waited = None
        async for chunk in stream:
            if waited is None and chunk.choices and chunk.choices[0]["delta"].get("content"):
                waited = time.perf_counter() - started
        return waited if waited is not None else time.perf_counter() - started

    _, waits = await timed(runs, first_token)
    report("chat stream: time to first token", waits)

    request = CompletionRequest(model=completion_entry.id, prompt="Once upon a time", max_tokens=64, temperature=0.7)
    seconds, answers = await timed(runs, lambda: provider.openai_completion(request))
    report(f"completion {completion_entry.id} max 64", seconds, [a.usage["completion_tokens"] for a in answers])

    one = EmbeddingsRequest(model=embedding_entry.id, input=SENTENCES[0])
    seconds, answers = await timed(runs, lambda: provider.openai_embeddings(one))
    report("embeddings: 1 sentence", seconds, [a.usage["prompt_tokens"] for a in answers], unit="input tokens")
    batch = EmbeddingsRequest(model=embedding_entry.id, input=SENTENCES)
    seconds, answers = await timed(runs, lambda: provider.openai_embeddings(batch))
    report(f"embeddings: {len(SENTENCES)} sentences", seconds, [len(a.data) for a in answers], unit="sentences")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="Calls per measurement.")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per request (the config's default: 1).")
    arguments = parser.parse_args()
    asyncio.run(bench(arguments.runs, arguments.threads))


if __name__ == "__main__":
    main()
