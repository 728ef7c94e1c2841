"""Routes of the tool runtime API."""

from django.http import HttpRequest
from ninja import Query, Router

from apis.common.provider_data import PROVIDER_DATA_DESCRIPTION, caller_provider_data
from apis.tool_runtime.protocol import ToolRuntime
from apis.tool_runtime.schemas import (
    InvokeToolRequest,
    ListRuntimeToolsRequest,
    ListToolDefsResponse,
    ToolInvocationResult,
)


def create_router(impl: ToolRuntime) -> Router:
    router = Router(tags=["Tool runtime"])

    @router.get(
        "/tool-runtime/list-tools",
        response=ListToolDefsResponse,
        summary="List the tools of tool groups, asking their providers",
        description="Asks each provider now (an MCP server may have changed its tools since the group was "
        "registered), so a provider that cannot be reached fails the request; /v1/tools lists the registered ones. "
        + PROVIDER_DATA_DESCRIPTION,
    )
    async def list_runtime_tools(request: HttpRequest, params: Query[ListRuntimeToolsRequest]) -> ListToolDefsResponse:
        with caller_provider_data(request):
            return await impl.list_runtime_tools(params)

    @router.post(
        "/tool-runtime/invoke",
        response=ToolInvocationResult,
        summary="Invoke a tool",
        description="Runs a registered tool with its group's provider. A failure of the tool itself is a result "
        "with an error_message. " + PROVIDER_DATA_DESCRIPTION,
    )
    async def invoke_tool(request: HttpRequest, body: InvokeToolRequest) -> ToolInvocationResult:
        with caller_provider_data(request):
            return await impl.invoke_tool(body)

    return router
