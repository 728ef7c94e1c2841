"""Contracts of the tool groups API: registered tool groups and the tools they provide."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from apis.tool_runtime.schemas import ToolParameter


class URL(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uri: str = Field(min_length=1, max_length=2048, description="An http:// or https:// URL.")

    @field_validator("uri")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class ToolGroup(BaseModel):
    identifier: str = Field(description="The tool group id to use in requests.")
    provider_resource_id: str = Field(description="The provider's own id for the group.")
    provider_id: str = Field(description="The tool runtime provider serving the group.")
    type: Literal["tool_group"] = "tool_group"
    mcp_endpoint: URL | None = Field(default=None, description="The MCP server of the group (MCP providers).")
    args: dict[str, Any] | None = Field(default=None, description="Options for the provider.")


class ListToolGroupsResponse(BaseModel):
    data: list[ToolGroup]


class GetToolGroupRequest(BaseModel):
    toolgroup_id: str = Field(description="The tool group id; may contain '/'.")


class UnregisterToolGroupRequest(BaseModel):
    toolgroup_id: str = Field(description="The tool group id; may contain '/'.")


class RegisterToolGroupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    toolgroup_id: str = Field(min_length=1, max_length=255, description="The id clients will use for the group.")
    provider_id: str | None = Field(
        default=None, description="The tool runtime provider serving it; optional when there is exactly one."
    )
    mcp_endpoint: URL | None = Field(default=None, description="The MCP server (remote::model-context-protocol).")
    args: dict[str, Any] | None = Field(default=None, description="Options for the provider.")


class ToolGroupDeleted(BaseModel):
    identifier: str
    type: Literal["tool_group"] = "tool_group"
    deleted: bool = True


class Tool(BaseModel):
    """A registered tool: listed by its group's provider when the group was registered."""

    identifier: str = Field(description="The tool's name, unique on the server.")
    provider_resource_id: str = Field(description="The tool's name at its provider.")
    provider_id: str = Field(description="The tool runtime provider serving the tool's group.")
    type: Literal["tool"] = "tool"
    toolgroup_id: str
    name: str = Field(description="The tool's name (the same as identifier).")
    description: str = ""
    input_schema: dict[str, Any] = Field(default_factory=dict, description="JSON Schema of the tool's arguments.")
    output_schema: dict[str, Any] | None = Field(default=None, description="JSON Schema of its structured result.")
    parameters: list[ToolParameter] = Field(
        default_factory=list, description="The arguments, from input_schema (for clients of the older shape)."
    )
    metadata: dict[str, Any] | None = None


class ListToolsRequest(BaseModel):
    toolgroup_id: str | None = Field(default=None, min_length=1, description="Only the tools of this group.")


class ListToolsResponse(BaseModel):
    data: list[Tool]


class GetToolRequest(BaseModel):
    tool_name: str = Field(description="The tool's name.")
