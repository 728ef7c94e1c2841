"""The tool groups API, as the routes call it."""

from typing import Protocol

from apis.tool_groups.schemas import (
    GetToolGroupRequest,
    GetToolRequest,
    ListToolGroupsResponse,
    ListToolsRequest,
    ListToolsResponse,
    RegisterToolGroupRequest,
    Tool,
    ToolGroup,
    ToolGroupDeleted,
    UnregisterToolGroupRequest,
)


class ToolGroups(Protocol):
    async def list_tool_groups(self) -> ListToolGroupsResponse: ...

    async def get_tool_group(self, request: GetToolGroupRequest) -> ToolGroup: ...

    async def register_tool_group(self, request: RegisterToolGroupRequest) -> ToolGroup: ...

    async def unregister_tool_group(self, request: UnregisterToolGroupRequest) -> ToolGroupDeleted: ...

    async def list_tools(self, request: ListToolsRequest) -> ListToolsResponse: ...

    async def get_tool(self, request: GetToolRequest) -> Tool: ...
