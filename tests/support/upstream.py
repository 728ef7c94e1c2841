"""A small OpenAI-compatible model service for tests and benchmarks: the only fake in the test suite.

    with Upstream(latency=0.05) as up:      # a subprocess on a free port
        up.base_url                         # "http://127.0.0.1:PORT/v1"

or standalone: `python -m tests.support.upstream --port P --latency S`.

Chat answers "echo: <last user message>"; completions "echo: <prompt>"; embeddings are deterministic
8-dimensional vectors derived from the text. Model names that trigger failures:

- "fail-400": 400 with an OpenAI error body; "fail-500": 500;
- "slow": waits 10 s before answering;
- "stream-break": streams two chunks, then drops the connection;
- "flaky": 503 for the first request with each distinct last message, then answers;
- "rate-limited": 429 with `Retry-After: 0` for the first request with each distinct last message;
- "slow-stream": streams a chunk every 0.2 s for 20 s (to disconnect from).

Test-only endpoints: `GET /test/requests` (what was received, newest last), `GET /test/cancelled`
(requests whose client went away before the answer was complete), `GET /test/stats` (requests in
flight now and at most, connections opened), `POST /test/reset`.
"""

import argparse
import asyncio
import base64
import contextlib
import hashlib
import json
import math
import struct
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import free_port, wait_for_http

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ROOT = Path(__file__).resolve().parents[2]
EMBEDDING_DIMENSION = 8
SLOW_SECONDS = 10.0
MODELS = [
    {"id": "echo-model", "object": "model", "created": 1_700_000_000, "owned_by": "upstream"},
    {
        "id": "embed-model",
        "object": "model",
        "created": 1_700_000_000,
        "owned_by": "upstream",
        "custom_metadata": {"model_type": "embedding", "embedding_dimension": EMBEDDING_DIMENSION},
    },
]
MAX_RECORDED = 1000


class ConnectionDropped(Exception):
    """Raised inside the app to make uvicorn abort the connection mid-response."""


def text_of(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def last_user_message(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return text_of(message.get("content"))
    return ""


def count_tokens(text: str) -> int:
    return len(text.split())


def embedding_of(text: str, dimensions: int = EMBEDDING_DIMENSION) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    values = [(byte / 127.5) - 1.0 for byte in digest[:dimensions]]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [round(v / norm, 6) for v in values]


class UpstreamApp:
    """The ASGI app."""

    def __init__(self, latency: float = 0.0, chunk_delay: float = 0.0) -> None:
        self.latency = latency
        self.chunk_delay = chunk_delay
        self.requests: list[dict[str, Any]] = []
        self.cancelled: list[dict[str, Any]] = []
        self.flaky_seen: set[tuple[str, str]] = set()
        self.counter = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.connections: set[tuple[str, int]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method, path = scope["method"], scope["path"]
        if path.startswith("/test/"):
            await self.test_endpoint(method, path, send)
            return
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            await self.error(send, 400, "Body is not JSON.")
            return
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        self.record(path, payload, headers)
        if scope.get("client"):
            self.connections.add(tuple(scope["client"]))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.route(method, path, payload, receive, send)
        finally:
            self.in_flight -= 1

    async def route(self, method: str, path: str, payload: dict[str, Any], receive: Receive, send: Send) -> None:
        if method == "GET" and path == "/v1/models":
            await self.json(send, 200, {"object": "list", "data": MODELS})
        elif method == "POST" and path in ("/v1/chat/completions", "/v1/completions"):
            await self.generate(path, payload, receive, send)
        elif method == "POST" and path == "/v1/embeddings":
            await self.embeddings(payload, send)
        else:
            await self.error(send, 404, f"No route {method} {path}.", code="not_found")

    def record(self, path: str, payload: dict[str, Any], headers: dict[str, str]) -> None:
        self.requests.append({"path": path, "body": payload, "headers": headers})
        del self.requests[:-MAX_RECORDED]

    async def test_endpoint(self, method: str, path: str, send: Send) -> None:
        if path == "/test/requests":
            await self.json(send, 200, {"data": self.requests})
        elif path == "/test/cancelled":
            await self.json(send, 200, {"data": self.cancelled})
        elif path == "/test/stats":
            stats = {"in_flight": self.in_flight, "max_in_flight": self.max_in_flight}
            await self.json(send, 200, {**stats, "connections": len(self.connections)})
        elif path == "/test/reset" and method == "POST":
            self.requests.clear()
            self.cancelled.clear()
            self.flaky_seen.clear()
            self.connections.clear()
            self.max_in_flight = self.in_flight
            await self.json(send, 200, {"ok": True})
        elif path == "/test/health":
            await self.json(send, 200, {"status": "OK"})
        else:
            await self.error(send, 404, f"No route {method} {path}.")

    async def json(
        self, send: Send, status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        body = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *(headers or []),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def error(self, send: Send, status: int, message: str, code: str | None = None, param: str | None = None):
        error_type = "invalid_request_error" if status < 500 else "server_error"
        await self.json(send, status, {"error": {"message": message, "type": error_type, "code": code, "param": param}})

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    async def failure(self, model: str, prompt: str, path: str, receive: Receive, send: Send) -> bool:
        """Answers for the models that fail; True when the request was answered."""
        if model == "fail-400":
            await self.error(send, 400, "The test upstream rejects this request.", code="bad_request", param="model")
            return True
        if model == "fail-500":
            await self.error(send, 500, "The test upstream failed.")
            return True
        if model in ("flaky", "rate-limited") and (model, prompt) not in self.flaky_seen:
            self.flaky_seen.add((model, prompt))
            if model == "flaky":
                await self.error(send, 503, "The test upstream is briefly unavailable.")
            else:
                await self.json(
                    send,
                    429,
                    {"error": {"message": "Slow down.", "type": "rate_limit_error", "code": None, "param": None}},
                    headers=[(b"retry-after", b"0")],
                )
            return True
        if model == "slow" and await self.wait_or_disconnect(SLOW_SECONDS, receive):
            self.cancelled.append({"path": path, "model": model, "prompt": prompt})
            return True
        return False

    async def wait_or_disconnect(self, seconds: float, receive: Receive) -> bool:
        """Sleeps; True when the client disconnected meanwhile."""
        try:
            message = await asyncio.wait_for(receive(), seconds)
        except TimeoutError:
            return False
        return message["type"] == "http.disconnect"

    async def generate(self, path: str, payload: dict[str, Any], receive: Receive, send: Send) -> None:
        model = str(payload.get("model", ""))
        chat = path.endswith("/chat/completions")
        if chat:
            messages = payload.get("messages") or []
            prompt = last_user_message(messages)
            prompt_tokens = sum(count_tokens(text_of(m.get("content"))) for m in messages if isinstance(m, dict))
        else:
            raw = payload.get("prompt", "")
            prompt = raw if isinstance(raw, str) else " ".join(map(str, raw))
            prompt_tokens = count_tokens(prompt)
        if await self.failure(model, prompt, path, receive, send):
            return
        if self.latency:
            await asyncio.sleep(self.latency)
        text = f"echo: {prompt}"
        choices = max(int(payload.get("n") or 1), 1)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": count_tokens(text) * choices,
            "total_tokens": prompt_tokens + count_tokens(text) * choices,
        }
        if payload.get("stream"):
            await self.stream(path, model, chat, prompt, text, choices, usage, payload, receive, send)
            return
        if chat:
            answer = {
                "id": self.next_id("chatcmpl"),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "system_fingerprint": "test-upstream",
                "choices": [
                    {
                        "index": i,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                    for i in range(choices)
                ],
                "usage": usage,
            }
        else:
            answer = {
                "id": self.next_id("cmpl"),
                "object": "text_completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {"index": i, "text": text, "finish_reason": "stop", "logprobs": None} for i in range(choices)
                ],
                "usage": usage,
            }
        await self.json(send, 200, answer)

    async def stream(
        self,
        path: str,
        model: str,
        chat: bool,
        prompt: str,
        text: str,
        choices: int,
        usage: dict[str, int],
        payload: dict[str, Any],
        receive: Receive,
        send: Send,
    ) -> None:
        identifier = self.next_id("chatcmpl" if chat else "cmpl")
        created = int(time.time())
        pieces = [word + " " for word in text.split(" ")]
        pieces[-1] = pieces[-1].rstrip()
        if model == "slow-stream":
            pieces = [f"{i} " for i in range(100)]

        def chunk(delta: dict[str, Any] | str | None, finish: str | None = None, index: int = 0) -> dict[str, Any]:
            if chat:
                choice: dict[str, Any] = {"index": index, "delta": delta or {}, "finish_reason": finish}
                return {
                    "id": identifier,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "choices": [choice],
                }
            return {
                "id": identifier,
                "object": "text_completion",
                "created": created,
                "model": model,
                "choices": [{"index": index, "text": delta or "", "finish_reason": finish}],
            }

        events: list[dict[str, Any]] = []
        for index in range(choices):
            if chat:
                events.append(chunk({"role": "assistant", "content": ""}, index=index))
            events.extend(chunk({"content": piece} if chat else piece, index=index) for piece in pieces)
            events.append(chunk(None if chat else "", "stop", index=index))
        if (payload.get("stream_options") or {}).get("include_usage"):
            events.append({**chunk(None), "choices": [], "usage": usage})

        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")],
            }
        )
        disconnected = asyncio.Event()

        async def watch() -> None:
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected.set()

        watcher = asyncio.create_task(watch())
        delay = 0.2 if model == "slow-stream" else self.chunk_delay
        try:
            for number, event in enumerate(events):
                if model == "stream-break" and number == 2:
                    raise ConnectionDropped("stream-break: dropping the connection after two chunks")
                if number and delay:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(disconnected.wait(), delay)
                if disconnected.is_set():
                    self.cancelled.append({"path": path, "model": model, "prompt": prompt, "sent_chunks": number})
                    return
                data = b"data: " + json.dumps(event).encode() + b"\n\n"
                await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
        finally:
            watcher.cancel()

    async def embeddings(self, payload: dict[str, Any], send: Send) -> None:
        model = str(payload.get("model", ""))
        if model == "fail-400":
            await self.error(send, 400, "The test upstream rejects this request.", code="bad_request", param="model")
            return
        if self.latency:
            await asyncio.sleep(self.latency)
        raw = payload.get("input", "")
        if isinstance(raw, str):
            texts = [raw]
        elif raw and all(isinstance(item, int) for item in raw):
            texts = [" ".join(map(str, raw))]
        else:
            texts = [item if isinstance(item, str) else " ".join(map(str, item)) for item in raw]
        dimensions = min(int(payload.get("dimensions") or EMBEDDING_DIMENSION), EMBEDDING_DIMENSION)
        data = []
        for index, text in enumerate(texts):
            vector: Any = embedding_of(text, dimensions)
            if payload.get("encoding_format") == "base64":
                vector = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(count_tokens(text) for text in texts)
        await self.json(
            send,
            200,
            {
                "object": "list",
                "data": data,
                "model": model,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )


class Upstream:
    """The upstream app run by uvicorn in a subprocess on 127.0.0.1."""

    def __init__(self, latency: float = 0.0, chunk_delay: float = 0.0, port: int | None = None) -> None:
        self.latency = latency
        self.chunk_delay = chunk_delay
        self.port = port or free_port()
        self.root_url = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.root_url}/v1"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Upstream":
        command = [sys.executable, "-m", "tests.support.upstream", "--port", str(self.port)]
        command += ["--latency", str(self.latency), "--chunk-delay", str(self.chunk_delay)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_http(f"{self.root_url}/test/health", timeout=30, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "Upstream":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def requests(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.root_url}/test/requests").json()["data"]

    def cancelled(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.root_url}/test/cancelled").json()["data"]

    def stats(self) -> dict[str, int]:
        return httpx.get(f"{self.root_url}/test/stats").json()

    def reset(self) -> None:
        httpx.post(f"{self.root_url}/test/reset").raise_for_status()


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="A small OpenAI-compatible upstream for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8399)
    parser.add_argument("--latency", type=float, default=0.0, help="Seconds before each answer.")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="Seconds between streamed chunks.")
    args = parser.parse_args()
    app = UpstreamApp(latency=args.latency, chunk_delay=args.chunk_delay)
    uvicorn.run(app, host=args.host, port=args.port, log_level="critical", access_log=False)


if __name__ == "__main__":
    main()
