"""The tool runtime API (what the routes call) and what a tool runtime provider implements."""

from typing import Any, Protocol

from apis.tool_groups.schemas import ToolGroup
from apis.tool_runtime.schemas import (
    InvokeToolRequest,
    ListRuntimeToolsRequest,
    ListToolDefsResponse,
    ToolDef,
    ToolInvocationResult,
)


class ToolRuntime(Protocol):
    async def list_runtime_tools(self, request: ListRuntimeToolsRequest) -> ListToolDefsResponse: ...

    async def invoke_tool(self, request: InvokeToolRequest) -> ToolInvocationResult: ...


class ToolRuntimeProvider(Protocol):
    """Serves the tool groups registered with it.

    A provider may also have `async register_tool_group(group)`: refuse a group it cannot serve with a
    BadRequestError (called again by each process before it first serves the group, so it must be
    idempotent); see apis.common.routing_table.
    """

    async def list_runtime_tools(self, group: ToolGroup) -> list[ToolDef]:
        """The group's tools as the provider has them now."""
        ...

    async def invoke_tool(self, group: ToolGroup, tool_name: str, kwargs: dict[str, Any]) -> ToolInvocationResult:
        """Run one of the group's tools. A failure of the tool itself is a result with an error_message;
        a provider that cannot be reached raises (UpstreamUnavailableError...)."""
        ...
