"""The HTTP client every OpenAI-compatible adapter shares: pooled, async, streaming, with retries.

One provider instance is used from several event loops (uvicorn's, the per-request loops of
asgiref under runserver, one per Celery task), and neither an httpx.AsyncClient nor an
asyncio.Semaphore may cross loops: each running loop gets its own pair, dropped once the loop is
closed.
"""

import asyncio
import json
import logging
import random
import threading
import urllib.request
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from apis.common.errors import (
    StackError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from providers.remote.inference.openai_compat.transport import Http11Transport

logger = logging.getLogger(__name__)

RETRY_BACKOFF_SECONDS = 0.2
# A Retry-After longer than this is not waited for: the 429 goes back to the client instead.
MAX_RETRY_AFTER_SECONDS = 5.0
MAX_ERROR_BODY_BYTES = 64 * 1024
KEEPALIVE_SECONDS = 30.0
# How long a finished stream may take to end its body before its connection is dropped, not reused.
DRAIN_SECONDS = 1.0
USER_AGENT = "stack-server"


@dataclass
class _LoopResources:
    # The lean transport, called directly; or, for a service behind a proxy, httpx's own client.
    transport: Http11Transport | None
    client: httpx.AsyncClient | None
    slots: asyncio.Semaphore | None


class _Slot:
    """A held request slot of the provider's concurrency limit; released once."""

    def __init__(self, semaphore: asyncio.Semaphore | None) -> None:
        self._semaphore = semaphore

    def release(self) -> None:
        if self._semaphore is not None:
            self._semaphore.release()
            self._semaphore = None


def error_detail(body: bytes) -> tuple[str, str | None, str | None, str | None]:
    """(message, code, param, type) of an error body: OpenAI's shape, `{"detail": ...}`, or plain text."""
    message, code, param, error_type = "", None, None, None
    try:
        payload: Any = json.loads(body)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        detail = payload.get("error", payload)
        if isinstance(detail, dict):
            message = str(detail.get("message") or detail.get("detail") or "")
            code = detail.get("code") if isinstance(detail.get("code"), str) else None
            param = detail.get("param") if isinstance(detail.get("param"), str) else None
            error_type = detail.get("type") if isinstance(detail.get("type"), str) else None
        elif isinstance(detail, str):
            message = detail
    elif payload is None:
        message = body[:500].decode(errors="replace").strip()
    return message, code, param, error_type


def upstream_error(status_code: int, body: bytes) -> StackError:
    """The error to report for an upstream answer with an error status."""
    message, code, param, error_type = error_detail(body)
    message = message or f"HTTP {status_code}"
    if status_code >= 500:
        # The service failed, not the request: reported as a bad gateway, never as our own 500.
        return UpstreamError(
            f"The model service failed with HTTP {status_code}: {message}", status_code=502, code="upstream_error"
        )
    return UpstreamError(message, status_code=status_code, code=code, param=param, error_type=error_type)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def uses_environment_proxy(url: str) -> bool:
    """Whether HTTP(S)_PROXY (and NO_PROXY) send requests to `url` through a proxy."""
    parsed = httpx.URL(url)
    proxies = urllib.request.getproxies()
    if parsed.scheme not in proxies and "all" not in proxies:
        return False
    return not urllib.request.proxy_bypass(parsed.host)


def _backoff(attempt: int) -> float:
    return RETRY_BACKOFF_SECONDS * (2**attempt) + random.uniform(0, RETRY_BACKOFF_SECONDS / 2)


class SseEvents:
    """The `data:` payloads of an opened server-sent-events response, up to `[DONE]`.

    Transport failures while reading become StackErrors. Closing a finished stream reads the rest of
    the body so that the connection goes back to the pool; closing an unfinished one drops the
    connection, which cancels the request at the service. Either way the concurrency slot is freed.
    """

    def __init__(self, response: httpx.Response, slot: _Slot) -> None:
        self._response = response
        self._slot = slot
        self._chunks = response.aiter_bytes()
        self._buffer = b""
        self._pending: deque[bytes] = deque()
        self._finished = False
        self._closed = False

    def __aiter__(self) -> "SseEvents":
        return self

    async def __anext__(self) -> bytes:
        while not self._pending:
            if self._finished or self._closed:
                await self.aclose()
                raise StopAsyncIteration
            try:
                data = await anext(self._chunks)
            except StopAsyncIteration:
                # The body ended; an event not followed by a blank line still counts.
                self._finished = True
                self._parse(b"\n\n")
                continue
            except httpx.TimeoutException as exc:
                await self.aclose()
                raise UpstreamTimeoutError("The model service stopped sending the stream (timed out).") from exc
            except httpx.HTTPError as exc:
                await self.aclose()
                raise UpstreamUnavailableError(f"The model service broke off the stream: {exc}") from exc
            self._parse(data)
        return self._pending.popleft()

    @property
    def ready(self) -> bool:
        """Whether the next event, or the end, is already received (see apis.inference.streams)."""
        return bool(self._pending) or self._finished or self._closed

    def _parse(self, data: bytes) -> None:
        buffer = self._buffer + data
        if b"\r" in buffer:
            buffer = buffer.replace(b"\r\n", b"\n")
        events = buffer.split(b"\n\n")
        self._buffer = events.pop()
        for event in events:
            lines = [line[5:].lstrip(b" ") for line in event.split(b"\n") if line.startswith(b"data:")]
            if not lines:
                continue
            payload = b"\n".join(lines)
            if payload == b"[DONE]":
                self._finished = True
                return
            self._pending.append(payload)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._finished:
                # Normally just the end of the chunked body, already received.
                async with asyncio.timeout(DRAIN_SECONDS):
                    async for _ in self._chunks:
                        pass
        except (TimeoutError, httpx.HTTPError):
            pass  # the connection is dropped below instead of reused
        finally:
            await self._response.aclose()
            self._slot.release()


class OpenAICompatClient:
    """Calls one OpenAI-compatible service: JSON requests and SSE streams, mapped errors."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        timeout: float,
        connect_timeout: float,
        max_retries: int,
        max_concurrent_requests: int | None,
        extra_headers: Mapping[str, str],
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_concurrent_requests = max_concurrent_requests
        self.headers = {"Content-Type": "application/json", **extra_headers}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"
        self._timeouts = httpx.Timeout(timeout, connect=connect_timeout)
        # What each request sends, prepared once: building httpx requests through AsyncClient (URL
        # merging and quoting, header defaults) cost more than the rest of the exchange.
        self._raw_headers = httpx.Headers(
            {
                "Host": httpx.URL(self.base_url).netloc.decode(),
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
                **self.headers,
            }
        ).raw
        self._urls: dict[str, httpx.URL] = {}
        # Keep as many idle connections as may be busy: closing them after a burst would mean
        # reconnecting for the next one.
        self._max_keepalive = max_concurrent_requests or 512
        # Built once: loading the CA bundle costs milliseconds, and a context is safe to share.
        self._ssl_context = httpx.create_ssl_context()
        self._use_proxy = uses_environment_proxy(self.base_url)
        # Not a WeakKeyDictionary: the client's connections refer to their loop, so a weak key would
        # never die. Entries of closed loops are dropped when a new loop shows up instead.
        self._per_loop: dict[asyncio.AbstractEventLoop, _LoopResources] = {}
        self._lock = threading.Lock()

    def _resources(self) -> _LoopResources:
        loop = asyncio.get_running_loop()
        resources = self._per_loop.get(loop)
        if resources is None:
            with self._lock:
                for other in [other for other in self._per_loop if other.is_closed()]:
                    # Its connections cannot be closed politely any more; their sockets close when collected.
                    del self._per_loop[other]
                resources = self._per_loop.get(loop)
                if resources is None:
                    resources = _LoopResources(
                        transport=None if self._use_proxy else self._new_transport(),
                        # The lean transport does not speak to proxies; httpx's own client does.
                        client=self._new_proxied_client() if self._use_proxy else None,
                        slots=asyncio.Semaphore(self.max_concurrent_requests) if self.max_concurrent_requests else None,
                    )
                    self._per_loop[loop] = resources
        return resources

    def _new_transport(self) -> Http11Transport:
        return Http11Transport(
            ssl_context=self._ssl_context, max_keepalive=self._max_keepalive, keepalive_expiry=KEEPALIVE_SECONDS
        )

    def _new_proxied_client(self) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=self._max_keepalive)
        return httpx.AsyncClient(timeout=self._timeouts, limits=limits, headers=self.headers)

    def _request(self, method: str, path: str, content: bytes | None, timeout: float | None) -> httpx.Request:
        """The request as the lean transport takes it, with everything but the body prepared in advance."""
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = httpx.URL(self.base_url + path)
        headers = self._raw_headers
        if content:
            headers = [*headers, (b"Content-Length", str(len(content)).encode())]
        timeouts = httpx.Timeout(timeout) if timeout is not None else self._timeouts
        return httpx.Request(
            method,
            url,
            headers=headers,
            stream=httpx.ByteStream(content or b""),
            extensions={"timeout": timeouts.as_dict()},
        )

    async def _exchange(
        self, resources: _LoopResources, method: str, path: str, content: bytes | None, timeout: float | None
    ) -> httpx.Response:
        if resources.transport is not None:
            request = self._request(method, path, content, timeout)
            response = await resources.transport.handle_async_request(request)
            response.request = request
            return response
        assert resources.client is not None
        request_timeout = httpx.Timeout(timeout) if timeout is not None else httpx.USE_CLIENT_DEFAULT
        request = resources.client.build_request(method, self.base_url + path, content=content, timeout=request_timeout)
        return await resources.client.send(request, stream=True)

    async def _acquire(self, resources: _LoopResources) -> _Slot:
        if resources.slots is None:
            return _Slot(None)
        try:
            await asyncio.wait_for(resources.slots.acquire(), self.timeout)
        except TimeoutError as exc:
            raise UpstreamTimeoutError(
                f"All {self.max_concurrent_requests} request slots of the model service stayed busy "
                f"for {self.timeout:g}s."
            ) from exc
        return _Slot(resources.slots)

    async def _send(self, method: str, path: str, content: bytes | None, timeout: float | None) -> httpx.Response:
        """A 2xx response with its body not read yet; retries what is safe to retry."""
        resources = self._resources()
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                response = await self._exchange(resources, method, path, content, timeout)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt < self.max_retries:
                    await asyncio.sleep(_backoff(attempt))
                    attempt += 1
                    continue
                logger.warning("%s %s: cannot connect: %r", method, url, exc)
                raise UpstreamUnavailableError(
                    f"The model service cannot be reached: {exc or type(exc).__name__}."
                ) from exc
            except httpx.TimeoutException as exc:
                logger.warning("%s %s: timed out: %r", method, url, exc)
                raise UpstreamTimeoutError(f"The model service did not answer within {self.timeout:g}s.") from exc
            except httpx.RemoteProtocolError as exc:
                # Typically a pooled keep-alive connection the service had just closed.
                if attempt < self.max_retries:
                    attempt += 1
                    continue
                raise UpstreamUnavailableError(f"The model service closed the connection: {exc}.") from exc
            except httpx.HTTPError as exc:
                logger.warning("%s %s: failed: %r", method, url, exc)
                raise UpstreamUnavailableError(f"The model service failed: {exc or type(exc).__name__}.") from exc
            status = response.status_code
            if status < 400:
                return response
            retry_after = _retry_after(response)
            retryable = status == 429 or status >= 500
            if retryable and attempt < self.max_retries and (retry_after or 0) <= MAX_RETRY_AFTER_SECONDS:
                await response.aclose()
                await asyncio.sleep(retry_after if retry_after is not None else _backoff(attempt))
                attempt += 1
                continue
            body = await self._read_error_body(response)
            error = upstream_error(status, body)
            if status == 429 and retry_after is not None:
                error.headers["Retry-After"] = str(int(retry_after))
            raise error

    async def _read_error_body(self, response: httpx.Response) -> bytes:
        body = b""
        try:
            async for part in response.aiter_bytes():
                body += part
                if len(body) >= MAX_ERROR_BODY_BYTES:
                    break
        except httpx.HTTPError:
            pass  # the status alone is the answer
        finally:
            await response.aclose()
        return body

    async def request(
        self, method: str, path: str, payload: bytes | None = None, timeout: float | None = None
    ) -> bytes:
        """The body of a successful answer to a JSON request."""
        slot = await self._acquire(self._resources())
        try:
            response = await self._send(method, path, payload, timeout)
            try:
                return await response.aread()
            except httpx.TimeoutException as exc:
                raise UpstreamTimeoutError(f"The model service did not answer within {self.timeout:g}s.") from exc
            except httpx.HTTPError as exc:
                raise UpstreamUnavailableError(f"The model service broke off its answer: {exc}.") from exc
            finally:
                await response.aclose()
        finally:
            slot.release()

    async def stream(self, path: str, payload: bytes) -> SseEvents:
        """An opened event stream: the status was checked, no event was read yet."""
        slot = await self._acquire(self._resources())
        try:
            response = await self._send("POST", path, payload, None)
        except BaseException:
            slot.release()
            raise
        return SseEvents(response, slot)
