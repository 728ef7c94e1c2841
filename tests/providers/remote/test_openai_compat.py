"""The OpenAI-compatible adapter, its client and transport, against the test upstream and raw TCP peers."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from apis.common.errors import UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError
from apis.inference.schemas import ChatCompletionRequest, EmbeddingsRequest, ProviderModel
from apis.providers.models import ProviderRegistration
from apis.providers.services import registration_save
from providers.remote.inference.openai_compat import get_provider_impl
from providers.remote.inference.openai_compat.adapter import OpenAICompatInferenceAdapter, listed_model
from providers.remote.inference.openai_compat.client import upstream_error, uses_environment_proxy
from providers.remote.inference.openai_compat.config import (
    CerebrasConfig,
    FireworksConfig,
    GroqConfig,
    OllamaConfig,
    OpenaiCompatConfig,
    OpenaiConfig,
    SambanovaConfig,
    TogetherConfig,
    VllmConfig,
)
from providers.remote.inference.openai_compat.transport import ChunkedDecoder
from providers.resolver import get_stack
from tests.support.server import free_port
from tests.support.upstream import Upstream

HELLO = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream(latency=0.1) as up:
        yield up


def adapter(base_url: str, **config: Any) -> OpenAICompatInferenceAdapter:
    return get_provider_impl(OpenaiCompatConfig(base_url=base_url, **config), {})


def chat(model: str = "echo-model", **extra: Any) -> ChatCompletionRequest:
    return ChatCompletionRequest(model=model, messages=HELLO, **extra)


def test_every_service_has_its_default_base_url() -> None:
    assert OpenaiConfig().base_url == "https://api.openai.com/v1"
    assert VllmConfig().base_url == "http://localhost:8000/v1"
    assert OllamaConfig().base_url == "http://localhost:11434/v1"
    assert TogetherConfig().base_url == "https://api.together.xyz/v1"
    assert FireworksConfig().base_url == "https://api.fireworks.ai/inference/v1"
    assert GroqConfig().base_url == "https://api.groq.com/openai/v1"
    assert SambanovaConfig().base_url == "https://api.sambanova.ai/v1"
    assert CerebrasConfig().base_url == "https://api.cerebras.ai/v1"
    with pytest.raises(ValidationError, match="base_url"):
        OpenaiCompatConfig()
    with pytest.raises(ValidationError, match="must start with http"):
        OpenaiCompatConfig(base_url="ftp://example.com")
    assert OpenaiCompatConfig(base_url=" http://host:1/v1/ ").base_url == "http://host:1/v1"
    with pytest.raises(ValidationError, match="Extra inputs"):
        OpenaiCompatConfig(base_url="http://host", api_token="typo")


@pytest.mark.django_db
def test_api_key_is_encrypted_at_rest_and_sent_with_the_extra_headers(upstream: Upstream) -> None:
    registration_save(
        api="inference",
        provider_id="keyed",
        provider_type="remote::together",
        config={"base_url": upstream.base_url, "api_key": "sk-secret-key", "extra_headers": {"X-Team": "a"}},
    )
    stored = ProviderRegistration.objects.get(provider_id="keyed").config
    assert "sk-secret-key" not in json.dumps(stored)
    impl = get_stack().impl("keyed")
    asyncio.run(impl.openai_chat_completion(chat()))
    headers = upstream.requests()[-1]["headers"]
    assert headers["authorization"] == "Bearer sk-secret-key"
    assert headers["x-team"] == "a"


def test_connections_are_kept_alive_and_reused(upstream: Upstream) -> None:
    provider = adapter(upstream.base_url)

    async def calls() -> None:
        for _ in range(5):
            await provider.openai_chat_completion(chat())
        for _ in range(3):
            stream = await provider.openai_chat_completion(chat(stream=True))
            assert len([chunk async for chunk in stream]) == 4  # role, "echo: ", "hi", stop

    upstream.reset()
    asyncio.run(calls())
    assert upstream.stats()["connections"] == 1


def test_concurrent_requests_are_capped_per_provider(upstream: Upstream) -> None:
    provider = adapter(upstream.base_url, max_concurrent_requests=2)

    async def calls() -> None:
        await asyncio.gather(*(provider.openai_chat_completion(chat()) for _ in range(6)))

    upstream.reset()
    started = time.monotonic()
    asyncio.run(calls())
    assert upstream.stats()["max_in_flight"] == 2
    assert time.monotonic() - started >= 0.3  # three rounds of the upstream's 0.1 s


def test_connection_refused_is_retried_then_unavailable() -> None:
    provider = adapter(f"http://127.0.0.1:{free_port()}/v1", max_retries=2)
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailableError, match="cannot be reached") as refused:
        asyncio.run(provider.openai_chat_completion(chat()))
    assert refused.value.status_code == 502
    assert time.monotonic() - started >= 0.2 + 0.4  # the backoff of two retries


def test_timeouts_are_504_and_not_retried(upstream: Upstream) -> None:
    provider = adapter(upstream.base_url, timeout=0.3)
    upstream.reset()
    with pytest.raises(UpstreamTimeoutError) as timed_out:
        asyncio.run(provider.openai_chat_completion(chat("slow")))
    assert timed_out.value.status_code == 504
    assert len(upstream.requests()) == 1


def test_server_errors_are_retried_and_client_errors_are_not(upstream: Upstream) -> None:
    provider = adapter(upstream.base_url, max_retries=1)
    upstream.reset()
    with pytest.raises(UpstreamError) as failed:
        asyncio.run(provider.openai_chat_completion(chat("fail-500")))
    assert failed.value.status_code == 502
    assert len(upstream.requests()) == 2
    upstream.reset()
    with pytest.raises(UpstreamError) as rejected:
        asyncio.run(provider.openai_chat_completion(chat("fail-400")))
    assert (rejected.value.status_code, rejected.value.code, rejected.value.param) == (400, "bad_request", "model")
    assert len(upstream.requests()) == 1


def test_models_listing_and_health(upstream: Upstream) -> None:
    provider = adapter(upstream.base_url)
    assert asyncio.run(provider.list_provider_models()) == [
        ProviderModel(provider_model_id="echo-model"),
        ProviderModel(provider_model_id="embed-model", model_type="embedding", metadata={"embedding_dimension": 8}),
    ]
    assert asyncio.run(provider.health()) == {"status": "OK"}
    assert asyncio.run(adapter(upstream.base_url, refresh_models=False).list_provider_models()) is None
    down = asyncio.run(adapter(f"http://127.0.0.1:{free_port()}/v1", max_retries=0).health())
    assert down["status"] == "Error" and "cannot be reached" in down["message"]


def test_listed_models_follow_the_services_hints() -> None:
    assert listed_model({"id": "a"}) == ProviderModel(provider_model_id="a")
    assert listed_model({"id": "e", "type": "embedding", "embedding_dimension": 3}) == ProviderModel(
        provider_model_id="e", model_type="embedding", metadata={"embedding_dimension": 3}
    )
    assert listed_model({"id": "e", "model_type": "embedding"}) is None  # no dimension: not usable
    assert listed_model({"id": "c", "type": "chat"}) == ProviderModel(provider_model_id="c")
    assert listed_model({"object": "model"}) is None


def test_embeddings_request_passes_through(upstream: Upstream) -> None:
    provider = adapter(upstream.base_url)
    answer = asyncio.run(
        provider.openai_embeddings(
            EmbeddingsRequest(model="embed-model", input="x", dimensions=4, encoding_format="float")
        )
    )
    assert len(answer.data[0]["embedding"]) == 4
    assert upstream.requests()[-1]["body"] == {
        "model": "embed-model",
        "input": "x",
        "dimensions": 4,
        "encoding_format": "float",
    }


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            404,
            b'{"error": {"message": "no such model", "type": "invalid_request_error", "code": "model_not_found"}}',
            (404, "no such model", "model_not_found", "invalid_request_error"),
        ),
        (422, b'{"detail": "bad field"}', (422, "bad field", None, "upstream_error")),
        (401, b"Unauthorized", (401, "Unauthorized", None, "upstream_error")),
        (403, b"", (403, "HTTP 403", None, "upstream_error")),
        (
            503,
            b'{"error": {"message": "overloaded"}}',
            (502, "The model service failed with HTTP 503: overloaded", "upstream_error", "upstream_error"),
        ),
    ],
)
def test_error_bodies_become_stack_errors(status: int, body: bytes, expected: tuple) -> None:
    error = upstream_error(status, body)
    assert (error.status_code, error.message, error.code, error.error_type) == expected


def test_environment_proxies_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert not uses_environment_proxy("https://api.openai.com/v1")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    assert uses_environment_proxy("https://api.openai.com/v1")
    assert not uses_environment_proxy("http://api.openai.com/v1")
    assert not uses_environment_proxy("https://internal.example/v1")


def test_a_service_behind_an_environment_proxy_is_called_through_the_proxy(
    upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test upstream stands in for the proxy: it answers a proxied request by its path."""
    for name in ("http_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", upstream.base_url.removesuffix("/v1"))
    provider = adapter("http://model-service.invalid/v1", api_key="sk-proxied")
    answer = asyncio.run(provider.openai_chat_completion(chat()))
    assert answer.choices[0]["message"]["content"] == "echo: hi"
    received = upstream.requests()[-1]
    assert received["path"] == "/v1/chat/completions"
    assert received["headers"]["host"] == "model-service.invalid"
    assert received["headers"]["authorization"] == "Bearer sk-proxied"


def test_requests_name_the_service_and_what_they_send_and_accept(upstream: Upstream) -> None:
    asyncio.run(adapter(upstream.base_url).openai_chat_completion(chat()))
    headers = upstream.requests()[-1]["headers"]
    port = upstream.base_url.split(":")[2].split("/")[0]
    assert headers["host"] == f"127.0.0.1:{port}"
    assert headers["content-type"] == "application/json"
    assert headers["accept"] == "application/json"
    assert headers["user-agent"] == "stack-server"
    assert int(headers["content-length"]) == len(json.dumps(upstream.requests()[-1]["body"], separators=(",", ":")))


def test_chunked_decoder_handles_any_split() -> None:
    body = b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
    decoder = ChunkedDecoder()
    out = b"".join(decoder.feed(body[i : i + 1]) for i in range(len(body)))
    assert out == b"hello world"
    assert decoder.done and not decoder.leftover
    with pytest.raises(ValueError):
        ChunkedDecoder().feed(b"zz\r\n")
    with pytest.raises(ValueError):
        ChunkedDecoder().feed(b"1\r\nabc")


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def with_peer(handler: Handler, work: Callable[[str], Awaitable[Any]]) -> Any:
    """Run `work(base_url)` against a raw TCP server answering with `handler`."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await work(f"http://127.0.0.1:{port}/v1")
    finally:
        server.close()


async def read_request(reader: asyncio.StreamReader) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0
    )
    await reader.readexactly(length)


def test_sse_split_anywhere_with_crlf_and_a_last_event_without_blank_line() -> None:
    events = [b'{"id": "1", "created": 1, "model": "m", "choices": []}'] * 3
    raw = b"".join(b"data: " + event + b"\r\n\r\n" for event in events[:2]) + b": comment\r\ndata: " + events[2]
    pieces = [raw[i : i + 7] for i in range(0, len(raw), 7)]

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in pieces:
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
            await asyncio.sleep(0.001)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    async def work(base_url: str) -> list[Any]:
        stream = await adapter(base_url).openai_chat_completion(chat(stream=True))
        return [chunk async for chunk in stream]

    chunks = asyncio.run(with_peer(handler, work))
    assert [chunk.id for chunk in chunks] == ["1", "1", "1"]


def test_an_error_event_mid_stream_is_raised() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        body = (
            b'data: {"id": "1", "created": 1, "model": "m", "choices": []}\n\n'
            b'data: {"error": {"message": "model crashed", "code": "oops"}}\n\n'
        )
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    async def work(base_url: str) -> list[Any]:
        stream = await adapter(base_url).openai_chat_completion(chat(stream=True))
        chunks = []
        with pytest.raises(UpstreamError) as failed:
            async for chunk in stream:
                chunks.append(chunk)
        assert (failed.value.message, failed.value.code, failed.value.status_code) == ("model crashed", "oops", 502)
        return chunks

    assert len(asyncio.run(with_peer(handler, work))) == 1


def test_a_connection_the_server_closed_is_not_reused() -> None:
    connections = []
    answer = json.dumps({"id": "x", "created": 1, "model": "m", "choices": []}).encode()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await read_request(reader)
        # A keep-alive answer, after which the server closes the connection anyway (an idle timeout).
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))
        await writer.drain()
        writer.close()

    async def work(base_url: str) -> list[str]:
        provider = adapter(base_url, max_retries=0)
        first = await provider.openai_chat_completion(chat())
        await asyncio.sleep(0.05)
        second = await provider.openai_chat_completion(chat())
        return [first.id, second.id]

    assert asyncio.run(with_peer(handler, work)) == ["x", "x"]
    assert len(connections) == 2


def test_a_garbled_answer_is_a_bad_gateway() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!")
        await writer.drain()

    async def work(base_url: str) -> None:
        await adapter(base_url).openai_chat_completion(chat())

    with pytest.raises(UpstreamUnavailableError, match="not a valid ChatCompletion"):
        asyncio.run(with_peer(handler, work))
