"""Chat completions, completions and embeddings through the real router and adapter, against the upstream."""

import json
import time
from typing import Any

import pytest
from django.test import Client

from apis.models import selectors
from apis.models.models import Model
from apis.models.services import model_unregister
from apis.providers.services import registration_save
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db

HELLO = [{"role": "user", "content": "hello world"}]


def post(client: Client, path: str, body: dict[str, Any], prefix: str = "/v1"):
    return client.post(f"{prefix}{path}", json.dumps(body), content_type="application/json")


def events(response) -> list[Any]:
    """The SSE `data:` payloads of a streamed answer, JSON-decoded (except `[DONE]`)."""
    assert response["Content-Type"] == "text/event-stream"
    text = b"".join(response.streaming_content).decode()
    assert text.endswith("\n\n")
    payloads = [block.removeprefix("data: ") for block in text.strip().split("\n\n")]
    return [payload if payload == "[DONE]" else json.loads(payload) for payload in payloads]


def test_chat_completion_is_routed_and_named_as_requested(client: Client, models: None, upstream: Upstream) -> None:
    response = post(client, "/chat/completions", {"model": "echo", "messages": HELLO})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["model"] == "echo"
    assert answer["object"] == "chat.completion"
    assert answer["choices"][0]["message"] == {"role": "assistant", "content": "echo: hello world"}
    assert answer["usage"] == {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5}
    # Fields only the upstream knows are kept.
    assert answer["system_fingerprint"] == "test-upstream"
    assert upstream.requests()[-1]["body"]["model"] == "echo-model"


def test_every_parameter_reaches_the_provider_unchanged(client: Client, models: None, upstream: Upstream) -> None:
    parameters = {
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 20,
        "max_completion_tokens": 30,
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "response_format": {"type": "json_object"},
        "stop": ["\n"],
        "n": 2,
        "seed": 7,
        "logprobs": True,
        "top_logprobs": 3,
        "user": "u-1",
        "presence_penalty": 0.5,
        "logit_bias": {"50256": -100},
        "reasoning_effort": "low",
        "metadata": {"any": ["extension", 1]},
    }
    response = post(client, "/chat/completions", {"model": "echo", "messages": HELLO, **parameters})
    assert response.status_code == 200
    assert len(response.json()["choices"]) == 2
    assert upstream.requests()[-1]["body"] == {"model": "echo-model", "messages": HELLO, **parameters}


def test_streamed_chat_sends_each_chunk_with_the_requested_model(client: Client, models: None) -> None:
    response = post(
        client,
        "/chat/completions",
        {"model": "echo", "messages": HELLO, "stream": True, "stream_options": {"include_usage": True}},
    )
    assert response.status_code == 200
    payloads = events(response)
    assert payloads[-1] == "[DONE]"
    chunks = payloads[:-1]
    assert {chunk["model"] for chunk in chunks} == {"echo"}
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    text = "".join(chunk["choices"][0]["delta"].get("content", "") for chunk in chunks if chunk["choices"])
    assert text == "echo: hello world"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] == 5
    assert response["Cache-Control"] == "no-cache"


def test_completions_plain_and_streamed(client: Client, models: None) -> None:
    plain = post(client, "/completions", {"model": "echo", "prompt": "once upon", "max_tokens": 5, "echo": False})
    assert plain.status_code == 200
    assert plain.json()["model"] == "echo"
    assert plain.json()["choices"][0]["text"] == "echo: once upon"
    streamed = events(post(client, "/completions", {"model": "echo", "prompt": "once upon", "stream": True}))
    assert streamed[-1] == "[DONE]"
    assert "".join(chunk["choices"][0]["text"] for chunk in streamed[:-1]) == "echo: once upon"
    assert {chunk["model"] for chunk in streamed[:-1]} == {"echo"}


def test_embeddings(client: Client, models: None, upstream: Upstream) -> None:
    response = post(client, "/embeddings", {"model": "embed", "input": ["a", "b"], "encoding_format": "float"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["model"] == "embed"
    assert [item["index"] for item in answer["data"]] == [0, 1]
    assert all(len(item["embedding"]) == 8 for item in answer["data"])
    assert answer["data"][0]["embedding"] != answer["data"][1]["embedding"]
    assert upstream.requests()[-1]["body"] == {"model": "embed-model", "input": ["a", "b"], "encoding_format": "float"}
    again = post(client, "/embeddings", {"model": "embed", "input": "a"}).json()
    assert again["data"][0]["embedding"] == answer["data"][0]["embedding"]


def test_legacy_prefix(client: Client, models: None) -> None:
    for path, body in [
        ("/chat/completions", {"model": "echo", "messages": HELLO}),
        ("/completions", {"model": "echo", "prompt": "x"}),
        ("/embeddings", {"model": "embed", "input": "x"}),
    ]:
        response = post(client, path, body, prefix="/v1/openai/v1")
        assert response.status_code == 200, (path, response.content)
        assert response.json()["model"] == body["model"]


def test_provider_model_addressed_directly(client: Client, models: None, upstream: Upstream) -> None:
    response = post(client, "/chat/completions", {"model": "up/echo-model", "messages": HELLO})
    assert response.status_code == 200
    assert response.json()["model"] == "up/echo-model"
    assert upstream.requests()[-1]["body"]["model"] == "echo-model"
    # A model id with slashes of its own.
    post(client, "/chat/completions", {"model": "up/org/model", "messages": HELLO})
    assert upstream.requests()[-1]["body"]["model"] == "org/model"
    registration_save(api="files", provider_id="localfs", provider_type="inline::localfs", config={})
    for model in ("nope/echo-model", "up/", "localfs/echo-model", "echo-model"):
        missing = post(client, "/chat/completions", {"model": model, "messages": HELLO})
        assert missing.status_code == 404, model
        assert missing.json()["error"]["message"] == f"Model '{model}' not found."


def test_unknown_model_is_404(client: Client, models: None) -> None:
    response = post(client, "/chat/completions", {"model": "nope", "messages": HELLO})
    assert response.status_code == 404
    assert response.json()["error"] == {
        "message": "Model 'nope' not found.",
        "type": "invalid_request_error",
        "code": "not_found",
        "param": "model",
    }


def test_wrong_model_type_is_400(client: Client, models: None) -> None:
    chat = post(client, "/chat/completions", {"model": "embed", "messages": HELLO})
    assert chat.status_code == 400
    assert chat.json()["error"] == {
        "message": "Model 'embed' is of type 'embedding'; chat and text completions need a model of type 'llm'.",
        "type": "invalid_request_error",
        "code": "invalid_model_type",
        "param": "model",
    }
    assert post(client, "/completions", {"model": "embed", "prompt": "x"}).status_code == 400
    embed = post(client, "/embeddings", {"model": "echo", "input": "x"})
    assert embed.status_code == 400
    assert "embeddings need a model of type 'embedding'" in embed.json()["error"]["message"]


def test_upstream_4xx_comes_back_with_its_status_and_message(client: Client, models: None) -> None:
    for stream in (False, True):
        response = post(client, "/chat/completions", {"model": "fail-400", "messages": HELLO, "stream": stream})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"] == {
            "message": "The test upstream rejects this request.",
            "type": "invalid_request_error",
            "code": "bad_request",
            "param": "model",
        }


def test_upstream_5xx_is_retried_then_a_bad_gateway(client: Client, models: None, upstream: Upstream) -> None:
    upstream.reset()
    response = post(client, "/chat/completions", {"model": "fail-500", "messages": HELLO})
    assert response.status_code == 502
    assert response.json()["error"]["message"] == ("The model service failed with HTTP 500: The test upstream failed.")
    assert len(upstream.requests()) == 3  # the first try and max_retries (2) more


@pytest.mark.parametrize("model", ["flaky", "rate-limited"])
def test_transient_failures_are_retried(client: Client, models: None, upstream: Upstream, model: str) -> None:
    upstream.reset()
    response = post(client, "/chat/completions", {"model": model, "messages": HELLO})
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "echo: hello world"
    assert len(upstream.requests()) == 2


def test_upstream_down_is_502(client: Client, models: None) -> None:
    for stream in (False, True):
        response = post(client, "/chat/completions", {"model": "unreachable", "messages": HELLO, "stream": stream})
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "upstream_unavailable"
        assert response.json()["error"]["message"].startswith("The model service cannot be reached")


def test_upstream_too_slow_is_504(client: Client, models: None, upstream: Upstream) -> None:
    upstream.reset()
    response = post(client, "/chat/completions", {"model": "slow", "messages": [{"role": "user", "content": "z"}]})
    assert response.status_code == 504
    assert response.json()["error"] == {
        "message": "The model service did not answer within 0.5s.",
        "type": "upstream_error",
        "code": "upstream_timeout",
        "param": None,
    }


def test_stream_broken_mid_way_ends_with_an_error_event(client: Client, models: None) -> None:
    response = post(client, "/chat/completions", {"model": "stream-break", "messages": HELLO, "stream": True})
    assert response.status_code == 200
    payloads = events(response)
    assert [p["model"] for p in payloads[:2]] == ["stream-break", "stream-break"]
    assert len(payloads) == 3
    error = payloads[2]["error"]
    assert error["code"] == "upstream_unavailable"
    assert error["message"].startswith("The model service broke off the stream")


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/chat/completions", {"model": "echo"}, "Invalid value for 'messages': Field required"),
        ("/chat/completions", {"model": "echo", "messages": []}, "Invalid value for 'messages': List should have"),
        ("/chat/completions", {"messages": HELLO}, "Invalid value for 'model': Field required"),
        (
            "/chat/completions",
            {"model": "echo", "messages": HELLO, "temperature": 3},
            "Invalid value for 'temperature'",
        ),
        ("/chat/completions", {"model": "echo", "messages": HELLO, "n": 0}, "Invalid value for 'n'"),
        ("/completions", {"model": "echo"}, "Invalid value for 'prompt': Field required"),
        ("/embeddings", {"model": "embed", "input": {"x": 1}}, "Invalid value for 'input"),
    ],
)
def test_invalid_requests_are_400(client: Client, models: None, path: str, body: dict, message: str) -> None:
    response = post(client, path, body)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(message), response.json()


def test_a_body_that_is_not_json_is_400(client: Client, models: None) -> None:
    for body in ("{oops", "[1, 2]", ""):
        response = client.post("/v1/chat/completions", body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["error"]["type"] == "invalid_request_error"


def test_unregistered_model_is_404_at_once(client: Client, models: None) -> None:
    assert post(client, "/chat/completions", {"model": "echo", "messages": HELLO}).status_code == 200
    model_unregister(identifier="echo")
    assert post(client, "/chat/completions", {"model": "echo", "messages": HELLO}).status_code == 404


def test_other_processes_changes_are_seen_after_the_cache_time(
    client: Client, models: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert post(client, "/chat/completions", {"model": "echo", "messages": HELLO}).status_code == 200
    # As another process would: straight in the database, so this process's cache is not told.
    Model.objects.filter(identifier="echo").update(provider_resource_id="fail-400")
    assert post(client, "/chat/completions", {"model": "echo", "messages": HELLO}).status_code == 200

    class Later:
        @staticmethod
        def monotonic() -> float:
            return time.monotonic() + selectors.ROUTE_CACHE_SECONDS

    monkeypatch.setattr(selectors, "time", Later)
    assert post(client, "/chat/completions", {"model": "echo", "messages": HELLO}).status_code == 400
