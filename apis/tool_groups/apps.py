"""The tool groups API: the tool group routing table, the groups' tools, their routes and admin."""

from apis.common.apps import StackApiConfig


class ToolGroupsConfig(StackApiConfig):
    default = True
    name = "apis.tool_groups"
    label = "tool_groups"
    verbose_name = "Tool groups"
    api = "tool_groups"
    api_level = "v1"
    provider_apis = ("tool_runtime",)
    impl_class = "apis.tool_groups.routing.ToolGroupsRoutingTable"
