"""`remote::model-context-protocol`: tool groups served by MCP servers (streamable HTTP or SSE)."""

from typing import Any

from providers.remote.tool_runtime.model_context_protocol.config import ModelContextProtocolConfig
from providers.remote.tool_runtime.model_context_protocol.provider import ModelContextProtocolToolRuntime

__all__ = ["ModelContextProtocolConfig", "ModelContextProtocolToolRuntime", "get_provider_impl"]


def get_provider_impl(config: ModelContextProtocolConfig, deps: dict[str, Any]) -> ModelContextProtocolToolRuntime:
    return ModelContextProtocolToolRuntime(config)
