"""The tool groups API over the tool group routing table."""

from asgiref.sync import sync_to_async

from apis.tool_groups.models import Tool as ToolRow
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
from apis.tool_groups.selectors import tool_get, tools_list
from apis.tool_groups.services import tool_group_register, tool_group_unregister, tools_ensure_listed
from apis.tool_groups.table import TOOL_GROUPS, tool_group_to_schema, tool_to_schema


class ToolGroupsRoutingTable:
    async def list_tool_groups(self) -> ListToolGroupsResponse:
        return ListToolGroupsResponse(data=[tool_group_to_schema(row) for row in await TOOL_GROUPS.alist_rows()])

    async def get_tool_group(self, request: GetToolGroupRequest) -> ToolGroup:
        return tool_group_to_schema(await TOOL_GROUPS.aget(request.toolgroup_id))

    async def register_tool_group(self, request: RegisterToolGroupRequest) -> ToolGroup:
        row = await sync_to_async(tool_group_register)(
            identifier=request.toolgroup_id,
            provider_id=request.provider_id,
            mcp_endpoint_uri=request.mcp_endpoint.uri if request.mcp_endpoint else None,
            args=request.args,
        )
        return tool_group_to_schema(row)

    async def unregister_tool_group(self, request: UnregisterToolGroupRequest) -> ToolGroupDeleted:
        await sync_to_async(tool_group_unregister)(identifier=request.toolgroup_id)
        return ToolGroupDeleted(identifier=request.toolgroup_id)

    async def list_tools(self, request: ListToolsRequest) -> ListToolsResponse:
        rows = await sync_to_async(_listed_tools)(request.toolgroup_id)
        return ListToolsResponse(data=[tool_to_schema(row) for row in rows])

    async def get_tool(self, request: GetToolRequest) -> Tool:
        return tool_to_schema(await sync_to_async(_listed_tool)(request.tool_name))


def _listed_tools(toolgroup_id: str | None) -> list[ToolRow]:
    tools_ensure_listed()
    return tools_list(toolgroup_id=toolgroup_id)


def _listed_tool(name: str) -> ToolRow:
    tools_ensure_listed()
    return tool_get(name=name)
