"""Fixtures of the builtin provider tests: those of the tool groups tests."""

from tests.apis.tool_groups.conftest import builtin

__all__ = ["builtin"]
