"""Fixtures of the tool runtime tests: those of the tool groups tests (providers, the MCP server)."""

from tests.apis.tool_groups.conftest import builtin, mcp, mcp_server

__all__ = ["builtin", "mcp", "mcp_server"]
