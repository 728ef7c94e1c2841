"""`inline::llama-cpp`: OpenAI chat, completions and embeddings from GGUF models run on the CPU in-process.

Each request runs on a thread of its own (see `threads`), waits for one of the provider's
`max_concurrent_requests` turns, then holds its model's lock from tokenizing to the last token.
Streams are produced token by token; a consumer that goes away stops the generation.
"""

import asyncio
import base64
import struct
import threading
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from apis.common.errors import BadRequestError, ModelNotFoundError, ProviderConfigError, RateLimitError
from apis.inference.schemas import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Completion,
    CompletionRequest,
    EmbeddingsRequest,
    EmbeddingsResponse,
    ProviderModel,
    SamplingFields,
)
from providers.inline.inference.llama_cpp.config import LlamaCppInferenceConfig, LocalModelEntry, ModelKind
from providers.inline.inference.llama_cpp.generation import Outcome, Sampling
from providers.inline.inference.llama_cpp.models import LocalModel, is_loaded, load_model, source_problem
from providers.inline.inference.llama_cpp.threads import iterate_in_thread

MAX_STOP_SEQUENCES = 4
MESSAGE_ROLES = {"system", "developer", "user", "assistant", "tool"}
# What each kind of model serves.
SERVES: dict[ModelKind, set[str]] = {
    ModelKind.chat: {"chat", "completion"},
    ModelKind.completion: {"completion"},
    ModelKind.embedding: {"embedding"},
}
USE_NAMES = {"chat": "chat completions", "completion": "text completions", "embedding": "embeddings"}


@dataclass(frozen=True)
class Prepared:
    """The prompts fit the model: their token counts and texts (for `echo`)."""

    prompt_tokens: tuple[int, ...]
    prompt_texts: tuple[str, ...]


@dataclass(frozen=True)
class Piece:
    index: int
    text: str


@dataclass(frozen=True)
class Finished:
    index: int
    outcome: Outcome


Event = Prepared | Piece | Finished
Chunk = TypeVar("Chunk", ChatCompletionChunk, Completion)
PromptBuilder = Callable[[LocalModel], list[tuple[list[int], str]]]


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


class ChunkStream(Generic[Chunk]):
    """The chunks of a started generation; closing it stops the generation, even before the first chunk.

    An async generator that was never started ignores `aclose()`, so the generation's own event
    stream is closed too.
    """

    def __init__(self, chunks: AsyncGenerator[Chunk, None], events: AsyncGenerator[Event, None]) -> None:
        self._chunks = chunks
        self._events = events

    def __aiter__(self) -> "ChunkStream[Chunk]":
        return self

    async def __anext__(self) -> Chunk:
        return await self._chunks.__anext__()

    async def aclose(self) -> None:
        await self._chunks.aclose()
        await self._events.aclose()


def template_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """OpenAI messages as chat templates expect them: a role and one string of content."""
    rendered = []
    for index, message in enumerate(messages):
        role = message.get("role")
        if role not in MESSAGE_ROLES:
            raise BadRequestError(
                f"Invalid role {role!r}: expected one of {', '.join(sorted(MESSAGE_ROLES))}.",
                param=f"messages[{index}].role",
            )
        content = message.get("content")
        if content is None:
            text = ""
        elif isinstance(content, str):
            text = content
        elif isinstance(content, list):
            parts = []
            for part in content:
                if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                    raise BadRequestError(
                        "This model reads text only: every content part must be {'type': 'text', 'text': ...}.",
                        param=f"messages[{index}].content",
                    )
                parts.append(part["text"])
            text = "\n".join(parts)
        else:
            raise BadRequestError("Message content must be a string or a list of parts.", param=f"messages[{index}]")
        # Chat templates of small models know the older name of the developer role only.
        rendered.append({"role": "system" if role == "developer" else role, "content": text})
    return rendered


def embedding_texts(value: str | list[str] | list[int] | list[list[int]]) -> list[str]:
    texts = [value] if isinstance(value, str) else value
    if not texts:
        raise BadRequestError("'input' must not be empty.", param="input")
    if not all(isinstance(text, str) for text in texts):
        raise BadRequestError(
            "This provider embeds text; send 'input' as a string or a list of strings.", param="input"
        )
    if any(text == "" for text in texts):
        raise BadRequestError("'input' must not contain empty strings.", param="input")
    return [str(text) for text in texts]


def encode_embedding(vector: list[float], encoding_format: str | None) -> list[float] | str:
    if encoding_format == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return vector


class LlamaCppInferenceProvider:
    """Serves the configured GGUF models; the models are loaded by the first request that needs them."""

    def __init__(self, config: LlamaCppInferenceConfig) -> None:
        problems = [problem for problem in map(source_problem, config.models) if problem]
        if problems:
            raise ProviderConfigError("; ".join(problems))
        self.config = config
        self._entries = {entry.id: entry for entry in config.models}
        self._turns = threading.BoundedSemaphore(config.max_concurrent_requests)

    @property
    def max_concurrent_requests(self) -> int:
        """How many requests this provider runs at once in one process (callers fanning out respect it)."""
        return self.config.max_concurrent_requests

    async def list_provider_models(self) -> list[ProviderModel]:
        models = []
        for entry in self.config.models:
            metadata: dict[str, Any] = {"context_length": entry.context_size}
            if entry.kind == ModelKind.embedding:
                dimension = entry.embedding_dimension
                if dimension is None:
                    dimension = (await asyncio.to_thread(load_model, entry)).embedding_dimension
                metadata["embedding_dimension"] = dimension
            model_type = "embedding" if entry.kind == ModelKind.embedding else "llm"
            models.append(ProviderModel(provider_model_id=entry.id, model_type=model_type, metadata=metadata))
        return models

    async def health(self) -> dict[str, Any]:
        problems = [problem for problem in map(source_problem, self.config.models) if problem]
        if problems:
            return {"status": "Error", "message": "; ".join(problems)}
        loaded = [entry.id for entry in self.config.models if is_loaded(entry)]
        return {
            "status": "OK",
            "message": f"{len(self.config.models)} models configured; loaded: {', '.join(loaded) or 'none yet'}.",
        }

    # --- requests -------------------------------------------------------------------------------

    async def openai_chat_completion(
        self, request: ChatCompletionRequest
    ) -> ChatCompletion | ChunkStream[ChatCompletionChunk]:
        entry = self._entry(request.model, "chat")
        if request.tools and request.tool_choice != "none":
            raise BadRequestError(f"Model '{entry.id}' cannot call tools.", param="tools")
        if request.response_format and request.response_format.get("type", "text") != "text":
            raise BadRequestError(f"Model '{entry.id}' answers in plain text only.", param="response_format")
        if request.logprobs or request.top_logprobs:
            raise BadRequestError("Log probabilities are not available from this provider.", param="logprobs")
        messages = template_messages(request.messages)
        sampling = self._sampling(entry, request, request.max_completion_tokens or request.max_tokens)

        def prompts(model: LocalModel) -> list[tuple[list[int], str]]:
            return [(model.chat_prompt(messages), "")]

        events, prepared = await self._start(entry, prompts, "messages", sampling, request.n or 1)
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if request.stream:
            include_usage = bool(request.stream_options and request.stream_options.include_usage)
            chunks = self._chat_chunks(events, prepared, completion_id, created, request.model, include_usage)
            return ChunkStream(chunks, events)
        texts, outcomes = await _collect(events)
        choices = [
            {
                "index": index,
                "message": {"role": "assistant", "content": texts.get(index, "")},
                "finish_reason": outcome.finish_reason,
                "logprobs": None,
            }
            for index, outcome in sorted(outcomes.items())
        ]
        usage = _usage(prepared, outcomes)
        return ChatCompletion(
            id=completion_id, created=created, model=request.model, choices=choices, usage=usage.as_dict()
        )

    async def openai_completion(self, request: CompletionRequest) -> Completion | ChunkStream[Completion]:
        entry = self._entry(request.model, "completion")
        if request.suffix:
            raise BadRequestError("'suffix' (fill in the middle) is not supported by this provider.", param="suffix")
        if request.logprobs:
            raise BadRequestError("Log probabilities are not available from this provider.", param="logprobs")
        n = request.n or 1
        if request.best_of is not None and request.best_of != n:
            raise BadRequestError("'best_of' must equal 'n' with this provider.", param="best_of")
        raw = request.prompt
        # One prompt is a string or a list of token ids; a list of either is several prompts.
        batch: list[str | list[int]]
        if isinstance(raw, str):
            batch = [raw]
        elif all(isinstance(item, int) for item in raw):
            batch = [[int(item) for item in raw]]  # type: ignore[arg-type]
        else:
            batch = [item if isinstance(item, str) else list(item) for item in raw]  # type: ignore[arg-type]
        sampling = self._sampling(entry, request, request.max_tokens)

        def prompts(model: LocalModel) -> list[tuple[list[int], str]]:
            prepared = []
            for prompt in batch:
                tokens = model.text_prompt(prompt)
                prepared.append((tokens, prompt if isinstance(prompt, str) else model.detokenize(tokens)))
            return prepared

        events, prepared = await self._start(entry, prompts, "prompt", sampling, n)
        completion_id, created = f"cmpl-{uuid.uuid4().hex}", int(time.time())
        echoes = _echoes(prepared, n) if request.echo else {}
        if request.stream:
            include_usage = bool(request.stream_options and request.stream_options.include_usage)
            completions = self._completion_chunks(
                events, prepared, echoes, completion_id, created, request.model, include_usage
            )
            return ChunkStream(completions, events)
        texts, outcomes = await _collect(events)
        choices = [
            {
                "index": index,
                "text": echoes.get(index, "") + texts.get(index, ""),
                "finish_reason": outcome.finish_reason,
                "logprobs": None,
            }
            for index, outcome in sorted(outcomes.items())
        ]
        usage = _usage(prepared, outcomes)
        return Completion(
            id=completion_id, created=created, model=request.model, choices=choices, usage=usage.as_dict()
        )

    async def openai_embeddings(self, request: EmbeddingsRequest) -> EmbeddingsResponse:
        entry = self._entry(request.model, "embedding")
        texts = embedding_texts(request.input)

        def embed(cancelled: threading.Event) -> Generator[tuple[list[list[float]], int], None, None]:
            with self._turn():
                model = load_model(entry)
                if request.dimensions is not None and request.dimensions != model.embedding_dimension:
                    raise BadRequestError(
                        f"Model '{entry.id}' makes embeddings of {model.embedding_dimension} dimensions only.",
                        param="dimensions",
                    )
                with model.lock:
                    yield model.embed(texts)

        ((vectors, tokens),) = [result async for result in iterate_in_thread(embed, name=f"llama-cpp-{entry.id}")]
        data = [
            {"object": "embedding", "index": index, "embedding": encode_embedding(vector, request.encoding_format)}
            for index, vector in enumerate(vectors)
        ]
        return EmbeddingsResponse(
            model=request.model, data=data, usage={"prompt_tokens": tokens, "total_tokens": tokens}
        )

    # --- helpers --------------------------------------------------------------------------------

    def _entry(self, model_id: str, use: str) -> LocalModelEntry:
        entry = self._entries.get(model_id)
        if entry is None:
            raise ModelNotFoundError(model_id, param="model")
        if use not in SERVES[entry.kind]:
            raise BadRequestError(
                f"Model '{model_id}' is a {entry.kind} model and does not serve {USE_NAMES[use]}.",
                code="invalid_model_type",
                param="model",
            )
        return entry

    def _sampling(self, entry: LocalModelEntry, request: SamplingFields, max_tokens: int | None) -> Sampling:
        if request.logit_bias:
            raise BadRequestError("'logit_bias' is not supported by this provider.", param="logit_bias")
        stop = (request.stop,) if isinstance(request.stop, str) else tuple(request.stop or ())
        if len(stop) > MAX_STOP_SEQUENCES:
            raise BadRequestError(f"At most {MAX_STOP_SEQUENCES} stop sequences are allowed.", param="stop")
        return Sampling(
            temperature=entry.temperature if request.temperature is None else request.temperature,
            top_p=entry.top_p if request.top_p is None else request.top_p,
            max_tokens=max_tokens,
            stop=tuple(sequence for sequence in stop if sequence),
            seed=request.seed,
            presence_penalty=request.presence_penalty or 0.0,
            frequency_penalty=request.frequency_penalty or 0.0,
        )

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """One of the provider's concurrent turns, waited for on the request's own thread."""
        timeout = self.config.queue_timeout_seconds
        if not self._turns.acquire(timeout=timeout):
            raise RateLimitError(
                f"The local model is busy: no turn came within {timeout:g}s. Retry later.",
                retry_after=max(1, round(timeout / 10)),
            )
        try:
            yield
        finally:
            self._turns.release()

    async def _start(
        self, entry: LocalModelEntry, prompts: PromptBuilder, param: str, sampling: Sampling, n: int
    ) -> tuple[AsyncGenerator[Event, None], Prepared]:
        """Start generating; returns once the prompts are known to fit, so that errors come before a stream."""

        def produce(cancelled: threading.Event) -> Generator[Event, None, None]:
            with self._turn():
                if cancelled.is_set():
                    return
                model = load_model(entry)
                with model.lock:
                    built = prompts(model)
                    for tokens, _ in built:
                        model.check_fits(len(tokens), sampling.max_tokens, param=param)
                    yield Prepared(tuple(len(tokens) for tokens, _ in built), tuple(text for _, text in built))
                    for prompt_index, (tokens, _) in enumerate(built):
                        for copy in range(n):
                            index = prompt_index * n + copy
                            # Each copy gets its own seed, else n seeded choices would all be the same.
                            seeded = sampling if sampling.seed is None else replace(sampling, seed=sampling.seed + copy)
                            for item in model.generate(tokens, seeded, cancelled):
                                yield Finished(index, item) if isinstance(item, Outcome) else Piece(index, item)
                            if cancelled.is_set():
                                return

        events = iterate_in_thread(produce, name=f"llama-cpp-{entry.id}")
        first = await anext(events)
        assert isinstance(first, Prepared)
        return events, first

    async def _chat_chunks(
        self,
        events: AsyncGenerator[Event, None],
        prepared: Prepared,
        completion_id: str,
        created: int,
        model: str,
        include_usage: bool,
    ) -> AsyncGenerator[ChatCompletionChunk, None]:
        def chunk(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> ChatCompletionChunk:
            return ChatCompletionChunk(id=completion_id, created=created, model=model, choices=choices, usage=usage)

        def delta(index: int, content: dict[str, str], finish_reason: str | None = None) -> dict[str, Any]:
            return {"index": index, "delta": content, "finish_reason": finish_reason, "logprobs": None}

        started: set[int] = set()
        outcomes: dict[int, Outcome] = {}
        try:
            async for event in events:
                assert not isinstance(event, Prepared)  # the first event, read by _start()
                if event.index not in started:
                    started.add(event.index)
                    yield chunk([delta(event.index, {"role": "assistant", "content": ""})])
                if isinstance(event, Piece):
                    yield chunk([delta(event.index, {"content": event.text})])
                else:
                    outcomes[event.index] = event.outcome
                    yield chunk([delta(event.index, {}, event.outcome.finish_reason)])
            if include_usage:
                yield chunk([], _usage(prepared, outcomes).as_dict())
        finally:
            await events.aclose()

    async def _completion_chunks(
        self,
        events: AsyncGenerator[Event, None],
        prepared: Prepared,
        echoes: dict[int, str],
        completion_id: str,
        created: int,
        model: str,
        include_usage: bool,
    ) -> AsyncGenerator[Completion, None]:
        def chunk(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> Completion:
            return Completion(id=completion_id, created=created, model=model, choices=choices, usage=usage)

        def text(index: int, value: str, finish_reason: str | None = None) -> dict[str, Any]:
            return {"index": index, "text": value, "finish_reason": finish_reason, "logprobs": None}

        started: set[int] = set()
        outcomes: dict[int, Outcome] = {}
        try:
            async for event in events:
                assert not isinstance(event, Prepared)  # the first event, read by _start()
                if event.index not in started:
                    started.add(event.index)
                    if echoes.get(event.index):
                        yield chunk([text(event.index, echoes[event.index])])
                if isinstance(event, Piece):
                    yield chunk([text(event.index, event.text)])
                else:
                    outcomes[event.index] = event.outcome
                    yield chunk([text(event.index, "", event.outcome.finish_reason)])
            if include_usage:
                yield chunk([], _usage(prepared, outcomes).as_dict())
        finally:
            await events.aclose()


async def _collect(events: AsyncGenerator[Event, None]) -> tuple[dict[int, str], dict[int, Outcome]]:
    texts: dict[int, list[str]] = {}
    outcomes: dict[int, Outcome] = {}
    try:
        async for event in events:
            if isinstance(event, Piece):
                texts.setdefault(event.index, []).append(event.text)
            elif isinstance(event, Finished):
                outcomes[event.index] = event.outcome
    finally:
        await events.aclose()
    return {index: "".join(parts) for index, parts in texts.items()}, outcomes


def _usage(prepared: Prepared, outcomes: dict[int, Outcome]) -> Usage:
    # OpenAI counts each prompt once, however many choices it has.
    return Usage(
        prompt_tokens=sum(prepared.prompt_tokens),
        completion_tokens=sum(outcome.completion_tokens for outcome in outcomes.values()),
    )


def _echoes(prepared: Prepared, n: int) -> dict[int, str]:
    return {
        prompt_index * n + copy: text for prompt_index, text in enumerate(prepared.prompt_texts) for copy in range(n)
    }
