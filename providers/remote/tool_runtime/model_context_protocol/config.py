"""Config of the `remote::model-context-protocol` tool runtime provider."""

from pydantic import BaseModel, ConfigDict, Field


class ModelContextProtocolConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(
        default=30.0, gt=0, description="Seconds one tool listing or tool call may take, connecting included."
    )
    connect_timeout: float = Field(default=5.0, gt=0, description="Seconds to wait for a connection.")
    allowed_endpoints: list[str] = Field(
        default_factory=list,
        description="Patterns (fnmatch, e.g. 'https://tools.internal/*') that a tool group's mcp_endpoint must "
        "match; empty allows any http(s) URL. Tool groups are registered by API callers, and the server "
        "connects wherever their endpoint points.",
    )
