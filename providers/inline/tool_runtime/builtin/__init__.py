"""`inline::builtin`: tools run in the server process (a safe calculator)."""

from typing import Any

from providers.inline.tool_runtime.builtin.config import BuiltinToolRuntimeConfig
from providers.inline.tool_runtime.builtin.provider import BuiltinToolRuntime

__all__ = ["BuiltinToolRuntime", "BuiltinToolRuntimeConfig", "get_provider_impl"]


def get_provider_impl(config: BuiltinToolRuntimeConfig, deps: dict[str, Any]) -> BuiltinToolRuntime:
    return BuiltinToolRuntime(config)
