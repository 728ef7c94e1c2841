"""A lean HTTP/1.1 transport for httpx: keep-alive connections on asyncio streams.

Why not httpx's default transport: httpcore's pool scans every pooled connection (with a poll()
syscall each) on every request and response, quadratic in the pool size; measured on the inference
hot path it cost 1.2 ms of CPU per request at concurrency 1 and 2.2 ms at 32, against 0.2 ms here.
The transport does what the model services need: HTTP/1.1, TLS, Content-Length and chunked bodies,
timeouts, and httpx's exceptions, so everything above it stays plain httpx.

Closing a response before its body was read closes the connection: that is how a streamed request
is cancelled at the service. Instances are not shared across event loops (each loop has its client).
"""

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import httpx

READ_SIZE = 64 * 1024
MAX_HEAD_BYTES = 256 * 1024


def _timeout(request: httpx.Request, name: str) -> float | None:
    return request.extensions.get("timeout", {}).get(name)


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, keepalive_expiry: float) -> None:
        self.reader = reader
        self.writer = writer
        self.keepalive_expiry = keepalive_expiry
        self.idle_since = 0.0

    def reusable(self) -> bool:
        # A service that closed an idle connection has its EOF already seen by the loop: no syscall needed.
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < self.keepalive_expiry
        )

    def close(self) -> None:
        self.writer.close()


class ChunkedDecoder:
    """Decodes a chunked body fed in whatever pieces the network delivers (one await per read, not per chunk)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._remaining = 0
        self._state = "size"

    @property
    def done(self) -> bool:
        return self._state == "done"

    @property
    def leftover(self) -> bool:
        return bool(self._buffer)

    def feed(self, data: bytes) -> bytes:
        """The body bytes that `data` completes."""
        buffer = self._buffer
        buffer += data
        out = []
        while buffer:
            if self._state == "size" or self._state == "trailer":
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD_BYTES:
                        raise ValueError("chunk header too long")
                    break
                line = bytes(buffer[:end])
                del buffer[: end + 2]
                if self._state == "trailer":
                    if not line:
                        self._state = "done"
                        break
                    continue
                size = int(line.split(b";", 1)[0], 16)
                self._state, self._remaining = ("data", size) if size else ("trailer", 0)
            elif self._state == "data":
                take = min(self._remaining, len(buffer))
                out.append(bytes(buffer[:take]))
                del buffer[:take]
                self._remaining -= take
                if not self._remaining:
                    self._state = "crlf"
            elif self._state == "crlf":
                if len(buffer) < 2:
                    break
                if buffer[:2] != b"\r\n":
                    raise ValueError("chunk not followed by CRLF")
                del buffer[:2]
                self._state = "size"
            else:
                break
        return b"".join(out)


class _Body(httpx.AsyncByteStream):
    """A response body read from the connection; a complete one gives the connection back to the pool."""

    def __init__(
        self,
        transport: "Http11Transport",
        origin: tuple[bytes, bytes, int],
        connection: _Connection,
        request: httpx.Request,
        length: int | None,
        chunked: bool,
        keep_alive: bool,
    ) -> None:
        self._transport = transport
        self._origin = origin
        self._connection: _Connection | None = connection
        self._request = request
        self._length = length
        self._chunked = chunked
        self._keep_alive = keep_alive and (length is not None or chunked)
        self._timeout = _timeout(request, "read")

    async def _read(self, operation: Any) -> Any:
        try:
            async with asyncio.timeout(self._timeout):
                return await operation
        except TimeoutError as exc:
            raise httpx.ReadTimeout("Timed out reading the response body.", request=self._request) from exc
        except asyncio.IncompleteReadError as exc:
            raise httpx.RemoteProtocolError(
                "The server closed the connection before the response body was complete.", request=self._request
            ) from exc
        except (OSError, asyncio.LimitOverrunError, ValueError) as exc:
            raise httpx.ReadError(f"Reading the response body failed: {exc!r}", request=self._request) from exc

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        reader = connection.reader
        try:
            if self._chunked:
                decoder = ChunkedDecoder()
                while not decoder.done:
                    data = await self._read(reader.read(READ_SIZE))
                    if not data:
                        raise httpx.RemoteProtocolError(
                            "The server closed the connection before the response body was complete.",
                            request=self._request,
                        )
                    try:
                        body = decoder.feed(data)
                    except ValueError as exc:
                        raise httpx.RemoteProtocolError(
                            f"Malformed chunked body: {exc}", request=self._request
                        ) from exc
                    if body:
                        yield body
                # Bytes after the body mean a confused server: do not reuse the connection.
                self._keep_alive = self._keep_alive and not decoder.leftover
            elif self._length is not None:
                remaining = self._length
                while remaining:
                    data = await self._read(reader.read(min(remaining, READ_SIZE)))
                    if not data:
                        raise httpx.RemoteProtocolError(
                            "The server closed the connection before the response body was complete.",
                            request=self._request,
                        )
                    remaining -= len(data)
                    yield data
            else:
                while data := await self._read(reader.read(READ_SIZE)):
                    yield data
        except BaseException:
            await self.aclose()
            raise
        self._connection = None
        if self._keep_alive:
            self._transport.release(self._origin, connection)
        else:
            connection.close()

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # The body was not read to its end: the connection cannot carry another request.
            connection.close()


class Http11Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over pooled keep-alive connections; no proxy support (the caller picks httpx's transport then)."""

    def __init__(self, *, ssl_context: ssl.SSLContext, max_keepalive: int, keepalive_expiry: float) -> None:
        self._ssl_context = ssl_context
        self._max_keepalive = max_keepalive
        self._keepalive_expiry = keepalive_expiry
        self._idle: dict[tuple[bytes, bytes, int], deque[_Connection]] = {}

    def release(self, origin: tuple[bytes, bytes, int], connection: _Connection) -> None:
        idle = self._idle.setdefault(origin, deque())
        if len(idle) >= self._max_keepalive:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        idle.append(connection)

    async def _connect(self, request: httpx.Request, origin: tuple[bytes, bytes, int]) -> _Connection:
        scheme, host, port = origin
        tls = scheme == b"https"
        timeout = _timeout(request, "connect")
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host.decode(),
                    port,
                    ssl=self._ssl_context if tls else None,
                    server_hostname=host.decode() if tls else None,
                    limit=MAX_HEAD_BYTES,
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout("Timed out connecting.", request=request) from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from exc
        return _Connection(reader, writer, self._keepalive_expiry)

    def _pooled(self, origin: tuple[bytes, bytes, int]) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            # Most recently used first: the least likely to have been closed by the server.
            connection = idle.pop()
            if connection.reusable():
                return connection
            connection.close()
        return None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        origin = (url.raw_scheme, url.raw_host, port)
        body = await request.aread()
        head = [request.method.encode(), b" ", url.raw_path, b" HTTP/1.1\r\n"]
        for name, value in request.headers.raw:
            if name.lower() == b"transfer-encoding":
                continue  # the body is sent whole, with its length
            head += [name, b": ", value, b"\r\n"]
        if body and "content-length" not in request.headers:
            head += [b"Content-Length: ", str(len(body)).encode(), b"\r\n"]
        payload = b"".join([*head, b"\r\n", body])

        while True:
            connection = self._pooled(origin)
            reused = connection is not None
            if connection is None:
                connection = await self._connect(request, origin)
            try:
                response = await self._exchange(request, origin, connection, payload)
            except httpx.RemoteProtocolError:
                connection.close()
                if reused:
                    # The server closed the idle connection as the request went out: nothing was processed.
                    continue
                raise
            except BaseException:
                connection.close()
                raise
            return response

    async def _exchange(
        self, request: httpx.Request, origin: tuple[bytes, bytes, int], connection: _Connection, payload: bytes
    ) -> httpx.Response:
        try:
            connection.writer.write(payload)
            async with asyncio.timeout(_timeout(request, "write")):
                await connection.writer.drain()
        except TimeoutError as exc:
            raise httpx.WriteTimeout("Timed out sending the request.", request=request) from exc
        except OSError as exc:
            raise httpx.RemoteProtocolError(f"Sending the request failed: {exc!r}", request=request) from exc
        try:
            async with asyncio.timeout(_timeout(request, "read")):
                while True:
                    raw_head = await connection.reader.readuntil(b"\r\n\r\n")
                    status = int(raw_head[9:12])
                    if status >= 200 or status == 101:
                        break  # 1xx interim answers are skipped
        except TimeoutError as exc:
            raise httpx.ReadTimeout("Timed out waiting for the response.", request=request) from exc
        except asyncio.IncompleteReadError as exc:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request) from exc
        except (asyncio.LimitOverrunError, ValueError) as exc:
            raise httpx.RemoteProtocolError(f"Malformed response head: {exc!r}", request=request) from exc
        except OSError as exc:
            raise httpx.ReadError(f"Reading the response failed: {exc!r}", request=request) from exc

        lines = raw_head[:-4].split(b"\r\n")
        headers = []
        length: int | None = None
        chunked = False
        keep_alive = lines[0].startswith(b"HTTP/1.1")
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip(), value.strip()
            headers.append((name, value))
            lowered = name.lower()
            if lowered == b"content-length":
                try:
                    length = int(value)
                except ValueError as exc:
                    raise httpx.RemoteProtocolError("Malformed Content-Length.", request=request) from exc
            elif lowered == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif lowered == b"connection":
                keep_alive = keep_alive and b"close" not in value.lower()
        if chunked:
            length = None
        if request.method == "HEAD" or status in (204, 304):
            length, chunked = 0, False
        stream = _Body(self, origin, connection, request, length, chunked, keep_alive)
        return httpx.Response(status, headers=headers, stream=stream, extensions={"http_version": b"HTTP/1.1"})

    async def aclose(self) -> None:
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
