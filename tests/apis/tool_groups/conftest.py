"""Fixtures of the tool groups tests: tool runtime providers and a real MCP server on 127.0.0.1."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from apis.providers.services import registration_save
from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp


def register_builtin_provider(provider_id: str = "builtin", **config: Any) -> str:
    registration_save(api="tool_runtime", provider_id=provider_id, provider_type="inline::builtin", config=config)
    return provider_id


def register_mcp_provider(provider_id: str = "mcp", **config: Any) -> str:
    registration_save(
        api="tool_runtime", provider_id=provider_id, provider_type="remote::model-context-protocol", config=config
    )
    return provider_id


def register_group(client: Client, **body: Any):
    return client.post("/v1/toolgroups", body, content_type="application/json")


@pytest.fixture(scope="session")
def mcp_server() -> Iterator[RunningMCPServer]:
    """The tools server (add, echo, refuse), shared by the tests that do not change its tools."""
    with serve_mcp(build_tools_server()) as running:
        yield running


@pytest.fixture
def builtin(db: None) -> str:
    return register_builtin_provider()


@pytest.fixture
def mcp(db: None) -> str:
    return register_mcp_provider()
