"""End to end: the real server (uvicorn) in front of the test upstream, used with the official openai client."""

import base64
import json
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx
import openai
import pytest

from tests.support.server import ROOT, StackServer, free_port, wait_for_http
from tests.support.upstream import Upstream

HELLO = [{"role": "user", "content": "hello there"}]


def distribution(upstream: Upstream, dead_port: int) -> str:
    return f"""
version: 2
apis: [inference, models]
providers:
  inference:
    - provider_id: up
      provider_type: remote::openai-compat
      config: {{base_url: "{upstream.base_url}", timeout: 1.5, api_key: "sk-e2e"}}
    - provider_id: down
      provider_type: remote::vllm
      config: {{base_url: "http://127.0.0.1:{dead_port}/v1", max_retries: 1}}
registered_resources:
  models:
    - {{model_id: echo, provider_id: up, provider_model_id: echo-model}}
    - {{model_id: embed, provider_id: up, provider_model_id: embed-model, model_type: embedding,
        metadata: {{embedding_dimension: 8}}}}
    - {{model_id: fail-400, provider_id: up, provider_model_id: fail-400}}
    - {{model_id: slow, provider_id: up, provider_model_id: slow}}
    - {{model_id: slow-stream, provider_id: up, provider_model_id: slow-stream}}
    - {{model_id: stream-break, provider_id: up, provider_model_id: stream-break}}
    - {{model_id: lost, provider_id: down, provider_model_id: anything}}
"""


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream(latency=0.01) as up:
        yield up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, upstream: Upstream) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("inference-e2e")
    config = state / "stack.yaml"
    config.write_text(distribution(upstream, free_port()))
    with StackServer(state, config, web_workers=2).running() as stack:
        yield stack


@pytest.fixture(scope="module")
def client(server: StackServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)


def test_chat_completion(client: openai.OpenAI, upstream: Upstream) -> None:
    answer = client.chat.completions.create(model="echo", messages=HELLO, temperature=0.1, max_tokens=5)
    assert answer.model == "echo"
    assert answer.choices[0].message.content == "echo: hello there"
    assert answer.usage is not None and answer.usage.total_tokens == 5
    sent = upstream.requests()[-1]
    assert sent["body"] == {"model": "echo-model", "messages": HELLO, "temperature": 0.1, "max_tokens": 5}
    assert sent["headers"]["authorization"] == "Bearer sk-e2e"


def test_streamed_chat_completion(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="echo", messages=HELLO, stream=True, stream_options={"include_usage": True}
        )
    )
    assert {chunk.model for chunk in chunks} == {"echo"}
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices) == "echo: hello there"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 3


def test_completions_plain_and_streamed(client: openai.OpenAI) -> None:
    answer = client.completions.create(model="echo", prompt="once upon a time")
    assert (answer.model, answer.choices[0].text) == ("echo", "echo: once upon a time")
    streamed = list(client.completions.create(model="echo", prompt="once upon a time", stream=True))
    assert "".join(chunk.choices[0].text for chunk in streamed) == "echo: once upon a time"


def test_embeddings_float_and_base64(client: openai.OpenAI) -> None:
    # The client asks for base64 by default and decodes it.
    default = client.embeddings.create(model="embed", input=["first", "second"])
    assert default.model == "embed"
    assert [len(item.embedding) for item in default.data] == [8, 8]
    floats = client.embeddings.create(model="embed", input=["first", "second"], encoding_format="float")
    for as_float, as_base64 in zip(floats.data, default.data, strict=True):
        assert as_float.embedding == pytest.approx(as_base64.embedding, abs=1e-6)
    raw = httpx.post(
        f"{client.base_url}embeddings", json={"model": "embed", "input": "first", "encoding_format": "base64"}
    ).json()
    decoded = struct.unpack("<8f", base64.b64decode(raw["data"][0]["embedding"]))
    assert list(decoded) == pytest.approx(floats.data[0].embedding, abs=1e-6)


def test_legacy_prefix(server: StackServer) -> None:
    legacy = openai.OpenAI(base_url=f"{server.url}/v1/openai/v1", api_key="unused", max_retries=0)
    assert legacy.chat.completions.create(model="echo", messages=HELLO).model == "echo"
    assert legacy.completions.create(model="echo", prompt="p").model == "echo"
    assert legacy.embeddings.create(model="embed", input="x").model == "embed"
    assert "echo" in {model.id for model in legacy.models.list()}


def test_models_list_register_retrieve_and_delete_with_slashes(client: openai.OpenAI, server: StackServer) -> None:
    listed = {model.id: model for model in client.models.list()}
    assert listed["echo"].owned_by == "up"
    assert listed["embed"].model_extra["custom_metadata"]["embedding_dimension"] == 8
    created = httpx.post(
        f"{server.url}/v1/models",
        json={"model_id": "team/echo/v2", "provider_id": "up", "provider_model_id": "echo-model"},
    )
    assert created.status_code == 200
    assert client.models.retrieve("team/echo/v2").id == "team/echo/v2"
    assert client.chat.completions.create(model="team/echo/v2", messages=HELLO).model == "team/echo/v2"
    assert client.models.delete("team/echo/v2").deleted is True
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("team/echo/v2")


def test_discovered_models_after_a_refresh(client: openai.OpenAI, server: StackServer) -> None:
    refreshed = server.manage("refresh_models", "--provider", "up")
    assert refreshed.stdout.strip() == "up: 2 added, 0 updated, 0 removed"
    ids = {model.id for model in client.models.list()}
    assert {"up/echo-model", "up/embed-model"} <= ids
    assert client.chat.completions.create(model="up/echo-model", messages=HELLO).model == "up/echo-model"


def test_unknown_model_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="nope", messages=HELLO)
    assert missing.value.status_code == 404
    assert missing.value.body["message"] == "Model 'nope' not found."


def test_wrong_model_type_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as wrong:
        client.chat.completions.create(model="embed", messages=HELLO)
    assert wrong.value.code == "invalid_model_type"


def test_upstream_4xx_is_passed_through(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as rejected:
        client.chat.completions.create(model="fail-400", messages=HELLO)
    assert rejected.value.body["message"] == "The test upstream rejects this request."
    assert rejected.value.code == "bad_request"


def test_upstream_down_is_502(client: openai.OpenAI) -> None:
    with pytest.raises(openai.APIStatusError) as down:
        client.chat.completions.create(model="lost", messages=HELLO)
    assert down.value.status_code == 502
    assert down.value.code == "upstream_unavailable"


def test_upstream_slow_is_504_and_the_upstream_request_is_dropped(client: openai.OpenAI, upstream: Upstream) -> None:
    started = time.monotonic()
    with pytest.raises(openai.APIStatusError) as slow:
        client.chat.completions.create(model="slow", messages=[{"role": "user", "content": "patience"}])
    assert slow.value.status_code == 504
    assert time.monotonic() - started < 5
    wait_for(lambda: any(entry["prompt"] == "patience" for entry in upstream.cancelled()))


def test_stream_broken_by_the_upstream_ends_with_an_error(client: openai.OpenAI) -> None:
    received = []
    with pytest.raises(openai.APIError, match="broke off the stream"):
        for chunk in client.chat.completions.create(model="stream-break", messages=HELLO, stream=True):
            received.append(chunk)
    assert len(received) == 2


def test_client_disconnect_cancels_the_upstream_request(server: StackServer, upstream: Upstream) -> None:
    body = {"model": "slow-stream", "messages": [{"role": "user", "content": "walk away"}], "stream": True}
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, timeout=10) as response:
        assert response.headers["content-type"] == "text/event-stream"
        events = []
        for line in response.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if len(events) == 3:
                    break
    assert {event["model"] for event in events} == {"slow-stream"}
    # The slow stream would go on for 20 s: the upstream must see its client (the server) leave now.
    wait_for(lambda: any(entry["prompt"] == "walk away" for entry in upstream.cancelled()), timeout=5)


def test_runserver_serves_the_same_api(server: StackServer) -> None:
    """Development: `manage.py runserver` (WSGI) answers plain and streamed requests too."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/v1/health", process=process)
        dev = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="unused", max_retries=0)
        for _ in range(2):  # a second request runs in a new event loop
            assert dev.chat.completions.create(model="echo", messages=HELLO).choices[0].message.content == (
                "echo: hello there"
            )
            chunks = list(dev.chat.completions.create(model="echo", messages=HELLO, stream=True))
            assert "".join(c.choices[0].delta.content or "" for c in chunks) == "echo: hello there"
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_starting_worker_lists_the_providers_models(client: openai.OpenAI, server: StackServer) -> None:
    """The Celery task (queue "maintenance") runs when a worker starts, then on the beat schedule."""
    server.manage("refresh_models", "--provider", "up")
    client.models.delete("up/echo-model")
    assert "up/echo-model" not in {model.id for model in client.models.list()}
    server.start_worker(concurrency=1)
    wait_for(lambda: "up/echo-model" in {model.id for model in client.models.list()}, timeout=60)
