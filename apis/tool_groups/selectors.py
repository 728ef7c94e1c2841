"""Reads of the tool group routing table and of the groups' tools, under the access policy.

A tool is visible to whoever may read its group.
"""

from typing import Any

from apis.access.guards import can
from apis.common.errors import ToolNotFoundError
from apis.tool_groups.models import Tool, ToolGroup
from apis.tool_groups.table import TOOL_GROUPS


def tool_group_get(*, identifier: str) -> ToolGroup:
    return TOOL_GROUPS.get(identifier)


def tool_groups_list(*, provider_id: str | None = None) -> list[ToolGroup]:
    return TOOL_GROUPS.list_rows(**({"provider_id": provider_id} if provider_id is not None else {}))


def tools_list(*, toolgroup_id: str | None = None) -> list[Tool]:
    """The tools of the groups the caller may read; of one group (404 when unknown) with `toolgroup_id`."""
    if toolgroup_id is not None:
        groups = [TOOL_GROUPS.get(toolgroup_id, param="toolgroup_id")]
    else:
        groups = TOOL_GROUPS.list_rows()
    return list(Tool.objects.filter(toolgroup__in=groups).select_related("toolgroup").order_by("name"))


def tool_get(*, name: str, param: str | None = None) -> Tool:
    """The tool, if the caller may read its group (a ToolNotFoundError otherwise)."""
    row = Tool.objects.select_related("toolgroup").filter(name=name).first()
    if row is None or not can(TOOL_GROUPS.resource_type, row.toolgroup, "read", row.toolgroup.identifier):
        raise ToolNotFoundError(name, param=param)
    return row


def tool_group_config_entry(row: ToolGroup) -> dict[str, Any]:
    entry: dict[str, Any] = {"toolgroup_id": row.identifier, "provider_id": row.provider_id}
    if row.mcp_endpoint_uri:
        entry["mcp_endpoint"] = {"uri": row.mcp_endpoint_uri}
    if row.args:
        entry["args"] = row.args
    return entry


def tool_groups_export_config() -> list[dict[str, Any]]:
    """The tool groups people and the config registered, as `registered_resources.tool_groups` entries."""
    return TOOL_GROUPS.export_config(tool_group_config_entry)
