"""Routes of the tool groups API: the groups, and the tools they provide. Ids may contain '/'."""

from django.http import HttpRequest
from ninja import Path, Query, Router

from apis.common.provider_data import PROVIDER_DATA_DESCRIPTION, caller_provider_data
from apis.tool_groups.protocol import ToolGroups
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


def create_router(impl: ToolGroups) -> Router:
    router = Router(tags=["Tool groups"])

    @router.get("/toolgroups", response=ListToolGroupsResponse, summary="List tool groups")
    async def list_tool_groups(request: HttpRequest) -> ListToolGroupsResponse:
        return await impl.list_tool_groups()

    @router.get("/toolgroups/{path:toolgroup_id}", response=ToolGroup, summary="Get a tool group")
    async def get_tool_group(request: HttpRequest, params: Path[GetToolGroupRequest]) -> ToolGroup:
        return await impl.get_tool_group(params)

    @router.post(
        "/toolgroups",
        response=ToolGroup,
        summary="Register a tool group",
        description="Lists the group's tools from its provider and registers each; a tool name that another "
        "group provides is a 409. " + PROVIDER_DATA_DESCRIPTION,
    )
    async def register_tool_group(request: HttpRequest, body: RegisterToolGroupRequest) -> ToolGroup:
        with caller_provider_data(request):
            return await impl.register_tool_group(body)

    @router.delete(
        "/toolgroups/{path:toolgroup_id}", response=ToolGroupDeleted, summary="Unregister a tool group and its tools"
    )
    async def unregister_tool_group(request: HttpRequest, params: Path[UnregisterToolGroupRequest]) -> ToolGroupDeleted:
        return await impl.unregister_tool_group(params)

    @router.get("/tools", response=ListToolsResponse, summary="List tools")
    async def list_tools(request: HttpRequest, params: Query[ListToolsRequest]) -> ListToolsResponse:
        return await impl.list_tools(params)

    @router.get("/tools/{path:tool_name}", response=Tool, summary="Get a tool")
    async def get_tool(request: HttpRequest, params: Path[GetToolRequest]) -> Tool:
        return await impl.get_tool(params)

    return router
