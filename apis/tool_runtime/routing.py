"""The tool runtime API: routes each request to the provider serving the tool's group."""

from asgiref.sync import sync_to_async

from apis.tool_groups.models import Tool
from apis.tool_groups.selectors import tool_get
from apis.tool_groups.services import tools_ensure_listed
from apis.tool_groups.table import TOOL_GROUPS
from apis.tool_runtime.protocol import ToolRuntimeProvider
from apis.tool_runtime.schemas import (
    InvokeToolRequest,
    ListRuntimeToolsRequest,
    ListToolDefsResponse,
    ToolDef,
    ToolInvocationResult,
)


class ToolRuntimeRouter:
    async def list_runtime_tools(self, request: ListRuntimeToolsRequest) -> ListToolDefsResponse:
        if request.tool_group_id is not None:
            identifiers = [request.tool_group_id]
        else:
            identifiers = [row.identifier for row in await TOOL_GROUPS.alist_rows()]
        tools: list[ToolDef] = []
        for identifier in identifiers:
            route = await TOOL_GROUPS.aroute(identifier, param="tool_group_id")
            provider: ToolRuntimeProvider = route.provider
            listed = await provider.list_runtime_tools(route.resource)
            tools.extend(tool.model_copy(update={"toolgroup_id": identifier}) for tool in listed)
        return ListToolDefsResponse(data=tools)

    async def invoke_tool(self, request: InvokeToolRequest) -> ToolInvocationResult:
        tool = await sync_to_async(_tool_to_invoke)(request.tool_name)
        route = await TOOL_GROUPS.aroute(tool.toolgroup.identifier, param="tool_name")
        provider: ToolRuntimeProvider = route.provider
        return await provider.invoke_tool(route.resource, tool.name, request.kwargs)


def _tool_to_invoke(name: str) -> Tool:
    tools_ensure_listed()
    return tool_get(name=name, param="tool_name")
