"""The tool runtime API: the tools a group's provider lists now, and invoking a registered tool."""

from apis.common.apps import StackApiConfig


class ToolRuntimeConfig(StackApiConfig):
    default = True
    name = "apis.tool_runtime"
    label = "tool_runtime"
    verbose_name = "Tool runtime"
    api = "tool_runtime"
    api_level = "v1"
    provider_apis = ("tool_runtime",)
    impl_class = "apis.tool_runtime.routing.ToolRuntimeRouter"
