"""A small real MCP server for tests, built with the `mcp` package's MCPServer and served by uvicorn.

One app serves both transports on 127.0.0.1: streamable HTTP at /mcp and SSE at /sse. Tools can be
added and removed while it runs, as a real server's may change between listings.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from tests.support.server import free_port


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def echo(text: str, times: int = 1) -> str:
    """Repeat a text."""
    return " ".join([text] * times)


def refuse(reason: str) -> str:
    """Always fails, saying why."""
    raise ToolError(f"refused: {reason}")


def build_tools_server(name: str = "stack-test-tools") -> MCPServer:
    """A server with `add` (structured output, annotated read-only), `echo` and `refuse`."""
    server = MCPServer(name)
    server.add_tool(add, title="Addition", annotations=ToolAnnotations(read_only_hint=True))
    server.add_tool(echo)
    server.add_tool(refuse)
    return server


@dataclass(frozen=True)
class RunningMCPServer:
    server: MCPServer
    base_url: str
    # The Authorization header of each HTTP request the server received (None: none sent).
    authorizations: list[str | None] = field(default_factory=list)

    @property
    def http_url(self) -> str:
        """The streamable HTTP endpoint."""
        return f"{self.base_url}/mcp"

    @property
    def sse_url(self) -> str:
        """The SSE endpoint."""
        return f"{self.base_url}/sse"


@contextmanager
def serve_mcp(server: MCPServer, token: str | None = None) -> Iterator[RunningMCPServer]:
    """Serve `server` on a free port of 127.0.0.1 in a thread until the block ends.

    With `token`, every HTTP request must carry `Authorization: Bearer <token>`, or is answered 401.
    """
    streamable = server.streamable_http_app()
    sse = server.sse_app()
    # The streamable HTTP app's lifespan runs its session manager; the SSE routes need none.
    app = Starlette(routes=[*streamable.routes, *sse.routes], lifespan=streamable.router.lifespan_context)
    authorizations: list[str | None] = []

    async def checked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            authorization = Headers(scope=scope).get("authorization")
            authorizations.append(authorization)
            if token is not None and authorization != f"Bearer {token}":
                await PlainTextResponse("unauthorized", status_code=401)(scope, receive, send)
                return
        await app(scope, receive, send)

    port = free_port()
    config = uvicorn.Config(checked, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, name=f"mcp-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the MCP test server did not start on port {port}")
        time.sleep(0.01)
    try:
        yield RunningMCPServer(server, f"http://127.0.0.1:{port}", authorizations)
    finally:
        runner.should_exit = True
        thread.join(timeout=10)
