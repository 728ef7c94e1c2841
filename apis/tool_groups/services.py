"""Writes to the tool group routing table: registrations by people and by the distribution config."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apis.common.models import RoutedResource
from apis.common.routing_table import Registration
from apis.tool_groups.models import ToolGroup
from apis.tool_groups.schemas import URL
from apis.tool_groups.table import TOOL_GROUPS


def tool_group_register(
    *,
    identifier: str,
    provider_id: str | None = None,
    mcp_endpoint_uri: str | None = None,
    args: dict[str, Any] | None = None,
    owner: dict[str, Any] | None = None,
) -> ToolGroup:
    """Register a tool group and its tools (owned by the caller unless `owner` says otherwise)."""
    registration = Registration(
        identifier=identifier,
        provider_id=provider_id,
        fields={"mcp_endpoint_uri": mcp_endpoint_uri or "", "args": args or {}},
    )
    return TOOL_GROUPS.register(registration, source=RoutedResource.Source.API, owner=owner)


def tool_group_unregister(*, identifier: str) -> None:
    """Remove a tool group and its tools."""
    TOOL_GROUPS.unregister(identifier)


def tool_group_refresh_tools(*, identifier: str) -> ToolGroup:
    """List the group's tools again and store them (its MCP server may have changed them)."""
    row = TOOL_GROUPS.get(identifier, action="update")
    TOOL_GROUPS.refresh_tools(row)
    return row


def tools_ensure_listed() -> None:
    """List the tools of the distribution config's groups that have not been listed yet."""
    TOOL_GROUPS.ensure_tools_listed()


class ConfigToolGroupEntry(BaseModel):
    """One entry of `registered_resources.tool_groups` in the distribution config."""

    model_config = ConfigDict(extra="forbid")

    toolgroup_id: str = Field(min_length=1, max_length=255)
    provider_id: str | None = None
    mcp_endpoint: URL | None = None
    args: dict[str, Any] | None = None


def _registration(entry: ConfigToolGroupEntry) -> Registration:
    return Registration(
        identifier=entry.toolgroup_id,
        provider_id=entry.provider_id,
        fields={"mcp_endpoint_uri": entry.mcp_endpoint.uri if entry.mcp_endpoint else "", "args": entry.args or {}},
    )


def tool_groups_apply_config(*, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply `registered_resources.tool_groups`; returns how many rows changed and the entries' errors.

    Their tools are listed when tools are first read (the providers are not running yet).
    """
    return TOOL_GROUPS.apply_config(
        key="tool_groups",
        entries=entries,
        entry_class=ConfigToolGroupEntry,
        identifier_key="toolgroup_id",
        to_registration=_registration,
    )
