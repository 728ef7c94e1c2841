"""`remote::model-context-protocol`: a tool group is an MCP server; its tools are listed and called there.

Each listing or call opens its own connection to the group's `mcp_endpoint` (streamable HTTP, or the
older SSE transport when the URI's path ends in /sse) and closes it: requests run on whichever event
loop serves them, and MCP sessions are cheap to open. A tool's own failure (`isError`) is a result
with an error_message; a server that cannot be reached or breaks the protocol is a 502 or 504.
"""

import fnmatch
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import anyio
import httpx2
from mcp import Client, MCPError
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, EmbeddedResource, ImageContent, ResourceLink, TextContent, TextResourceContents
from mcp.types import Tool as MCPTool

from apis.common.errors import (
    BadRequestError,
    StackError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from apis.common.provider_data import PROVIDER_DATA_HEADER, provider_data
from apis.tool_groups.schemas import ToolGroup
from apis.tool_runtime.schemas import (
    ContentItem,
    ImageContentItem,
    ImageSource,
    TextContentItem,
    ToolDef,
    ToolInvocationResult,
    parameters_from_schema,
)
from providers.remote.tool_runtime.model_context_protocol.config import ModelContextProtocolConfig

T = TypeVar("T")

# A server whose tool listing never ends must not hold a request forever.
MAX_LIST_PAGES = 100
HEADER_BREAK = re.compile(r"[\r\n\x00]")


class ModelContextProtocolToolRuntime:
    def __init__(self, config: ModelContextProtocolConfig) -> None:
        self.config = config

    async def register_tool_group(self, group: ToolGroup) -> None:
        self._endpoint(group)

    async def list_runtime_tools(self, group: ToolGroup) -> list[ToolDef]:
        uri = self._endpoint(group)

        async def list_all(client: Client) -> list[MCPTool]:
            tools: list[MCPTool] = []
            cursor: str | None = None
            for _ in range(MAX_LIST_PAGES):
                page = await client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                cursor = page.next_cursor
                if cursor is None:
                    break
            return tools

        return [_tool_def(tool, uri) for tool in await self._with_client(uri, list_all)]

    async def invoke_tool(self, group: ToolGroup, tool_name: str, kwargs: dict[str, Any]) -> ToolInvocationResult:
        uri = self._endpoint(group)

        async def call(client: Client) -> CallToolResult:
            return await client.call_tool(tool_name, kwargs)

        return _invocation_result(await self._with_client(uri, call))

    def _endpoint(self, group: ToolGroup) -> str:
        if group.mcp_endpoint is None:
            raise BadRequestError(
                "A tool group of an MCP provider needs mcp_endpoint: {\"uri\": \"http://host/mcp\"}.",
                param="mcp_endpoint",
            )
        uri = group.mcp_endpoint.uri
        allowed = self.config.allowed_endpoints
        if allowed and not any(fnmatch.fnmatchcase(uri, pattern) for pattern in allowed):
            raise BadRequestError(
                f"The MCP endpoint '{uri}' is not allowed by this provider; allowed: {', '.join(allowed)}.",
                param="mcp_endpoint.uri",
            )
        return uri

    async def _with_client(self, uri: str, operation: Callable[[Client], Awaitable[T]]) -> T:
        """Connect to the MCP server at `uri`, run `operation`, disconnect; errors as StackErrors."""
        timeout = self.config.timeout
        headers = caller_headers(uri)
        # The streamable HTTP client turns an HTTP error status into a JSON-RPC error without it: a
        # refusal (401, 403) is noted here so that the caller learns their credentials were refused.
        refusals: list[int] = []

        async def note_refusal(response: httpx2.Response) -> None:
            if response.status_code in (401, 403):
                refusals.append(response.status_code)

        try:
            with anyio.fail_after(timeout):
                if urlsplit(uri).path.rstrip("/").endswith("/sse"):
                    transport = sse_client(
                        uri, headers=headers, timeout=self.config.connect_timeout, sse_read_timeout=timeout
                    )
                    async with Client(transport, cache=None, read_timeout_seconds=timeout) as client:
                        return await operation(client)
                http_timeout = httpx2.Timeout(timeout, connect=self.config.connect_timeout)
                hooks = {"response": [note_refusal]}
                async with httpx2.AsyncClient(timeout=http_timeout, headers=headers, event_hooks=hooks) as http:
                    transport = streamable_http_client(uri, http_client=http)
                    async with Client(transport, cache=None, read_timeout_seconds=timeout) as client:
                        return await operation(client)
        except TimeoutError:
            raise UpstreamTimeoutError(f"The MCP server at {uri} did not answer within {timeout:g}s.") from None
        except Exception as exc:  # whatever the connection or the server did; BaseExceptionGroups from anyio too
            if refusals:
                raise _refused(uri, refusals[0]) from exc
            raise _upstream_error(uri, exc) from exc


def caller_headers(uri: str) -> dict[str, str]:
    """The headers the caller sends this MCP server: `mcp_headers[uri]` of their provider data."""
    per_endpoint = provider_data().get("mcp_headers")
    if per_endpoint is None:
        return {}
    if not isinstance(per_endpoint, dict):
        raise BadRequestError(
            f"mcp_headers in the {PROVIDER_DATA_HEADER} header must map MCP endpoint URIs to headers.",
            param=PROVIDER_DATA_HEADER,
        )
    headers = per_endpoint.get(uri)
    if headers is None:  # the same endpoint, written with or without a trailing slash
        headers = per_endpoint.get(uri[:-1] if uri.endswith("/") else uri + "/")
    if headers is None:
        return {}
    if not isinstance(headers, dict) or not all(
        isinstance(name, str) and isinstance(value, str) and not HEADER_BREAK.search(name + value)
        for name, value in headers.items()
    ):
        raise BadRequestError(
            f"mcp_headers['{uri}'] in the {PROVIDER_DATA_HEADER} header must be an object of header names "
            "and string values, without line breaks.",
            param=PROVIDER_DATA_HEADER,
        )
    return headers


def _refused(uri: str, status: int) -> StackError:
    """The MCP server refused the caller's credentials for it (mcp_headers): its status is relayed as is."""
    return UpstreamError(
        f"The MCP server at {uri} refused the request: HTTP {status}. Its credentials go in "
        f"mcp_headers of the {PROVIDER_DATA_HEADER} header.",
        status_code=status,
        code="mcp_unauthorized" if status == 401 else "mcp_forbidden",
    )


def _upstream_error(uri: str, exc: BaseException) -> StackError:
    # anyio's task groups wrap the transport's failure in exception groups.
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, StackError):
        return exc
    if isinstance(exc, MCPError):
        return UpstreamError(
            f"The MCP server at {uri} answered with an error: {exc.message}", status_code=502, code="mcp_error"
        )
    if isinstance(exc, httpx2.HTTPStatusError):
        status = exc.response.status_code
        if status in (401, 403):
            return _refused(uri, status)
        return UpstreamUnavailableError(f"The MCP server at {uri} answered HTTP {status}.")
    if isinstance(exc, httpx2.TimeoutException):
        return UpstreamTimeoutError(f"The MCP server at {uri} did not answer in time.")
    if isinstance(exc, httpx2.TransportError):
        return UpstreamUnavailableError(f"The MCP server at {uri} could not be reached: {exc or type(exc).__name__}")
    return UpstreamUnavailableError(f"The MCP server at {uri} failed: {type(exc).__name__}: {exc}")


def _tool_def(tool: MCPTool, uri: str) -> ToolDef:
    metadata: dict[str, Any] = {"endpoint": uri}
    if tool.title:
        metadata["title"] = tool.title
    if tool.annotations is not None:
        metadata["annotations"] = tool.annotations.model_dump(mode="json", by_alias=True, exclude_none=True)
    return ToolDef(
        name=tool.name,
        description=tool.description,
        input_schema=tool.input_schema,
        output_schema=tool.output_schema,
        parameters=parameters_from_schema(tool.input_schema),
        metadata=metadata,
    )


def _invocation_result(result: CallToolResult) -> ToolInvocationResult:
    content: list[ContentItem] = []
    skipped: list[str] = []
    for block in result.content:
        if isinstance(block, TextContent):
            content.append(TextContentItem(text=block.text))
        elif isinstance(block, ImageContent):
            content.append(ImageContentItem(image=ImageSource(data=block.data)))
        elif isinstance(block, EmbeddedResource) and isinstance(block.resource, TextResourceContents):
            content.append(TextContentItem(text=block.resource.text))
        elif isinstance(block, ResourceLink):
            content.append(TextContentItem(text=str(block.uri)))
        else:
            # Audio and binary resources have no place in the Llama Stack content shape.
            skipped.append(block.type)
    metadata: dict[str, Any] = {}
    if result.structured_content is not None:
        metadata["structured_content"] = result.structured_content
    if skipped:
        metadata["skipped_content_types"] = skipped
    if result.is_error:
        texts = [item.text for item in content if isinstance(item, TextContentItem)]
        return ToolInvocationResult(
            content=content,
            error_message="\n".join(texts) or "The tool failed without saying why.",
            error_code=1,
            metadata=metadata or None,
        )
    return ToolInvocationResult(content=content, metadata=metadata or None)
