"""End to end: the real server (uvicorn) started with tool groups in its distribution config, used over HTTP.

Both providers: an MCP group whose server is the test MCP server, and a builtin calculator group. Their
tools are listed by the server itself the first time tools are read, since the config is applied
before any provider runs.
"""

from collections.abc import Iterator

import httpx
import pytest

from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp
from tests.support.server import StackServer


@pytest.fixture(scope="module")
def tools_server() -> Iterator[RunningMCPServer]:
    with serve_mcp(build_tools_server()) as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, tools_server: RunningMCPServer) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("tool-runtime-e2e")
    config = state / "stack.yaml"
    config.write_text(f"""
version: 2
apis: [tool_runtime, tool_groups]
providers:
  tool_runtime:
    - {{provider_id: mcp, provider_type: "remote::model-context-protocol", config: {{timeout: 10}}}}
    - {{provider_id: builtin, provider_type: "inline::builtin", config: {{}}}}
registered_resources:
  tool_groups:
    - {{toolgroup_id: "mcp::tools", provider_id: mcp, mcp_endpoint: {{uri: "{tools_server.http_url}"}}}}
    - {{toolgroup_id: "builtin::calculator", provider_id: builtin}}
""")
    with StackServer(state, config).running() as stack:
        yield stack


@pytest.fixture
def http(server: StackServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.url}/v1", timeout=30) as client:
        yield client


def test_config_groups_tools_are_listed_and_invoked(http: httpx.Client, tools_server: RunningMCPServer) -> None:
    groups = http.get("/toolgroups").json()["data"]
    assert [(g["identifier"], g["provider_id"], g["mcp_endpoint"]) for g in groups] == [
        ("builtin::calculator", "builtin", None),
        ("mcp::tools", "mcp", {"uri": tools_server.http_url}),
    ]
    tools = http.get("/tools").json()["data"]
    assert [(t["name"], t["toolgroup_id"]) for t in tools] == [
        ("add", "mcp::tools"), ("calculator", "builtin::calculator"), ("echo", "mcp::tools"), ("refuse", "mcp::tools"),
    ]
    added = http.post("/tool-runtime/invoke", json={"tool_name": "add", "kwargs": {"a": 19, "b": 23}})
    assert added.status_code == 200
    assert added.json()["content"] == [{"type": "text", "text": "42"}]

    calculated = http.post("/tool-runtime/invoke", json={"tool_name": "calculator", "kwargs": {"expression": "2**100"}})
    assert calculated.json()["content"] == [{"type": "text", "text": str(2**100)}]


def test_the_calculator_answers_at_once_for_expressions_that_would_never_end(http: httpx.Client) -> None:
    for expression in ("9**9**9", "(10**999)**10**999", "2**2**2**2**2**2"):
        response = http.post("/tool-runtime/invoke", json={"tool_name": "calculator",
                                                           "kwargs": {"expression": expression}}, timeout=5)
        assert response.status_code == 200
        assert response.json()["error_message"].endswith("would have more than 1000 digits.")
    assert http.get("/health").status_code == 200


def test_groups_registered_over_http_are_served_by_the_running_server(
    http: httpx.Client, tools_server: RunningMCPServer
) -> None:
    clash = http.post("/toolgroups", json={"toolgroup_id": "again", "provider_id": "mcp",
                                           "mcp_endpoint": {"uri": tools_server.sse_url}})
    assert clash.status_code == 409
    assert clash.json()["error"]["message"].startswith("Tool 'add' is already provided by tool group 'mcp::tools'")
    live = http.get("/tool-runtime/list-tools", params={"tool_group_id": "mcp::tools"}).json()["data"]
    assert [tool["name"] for tool in live] == ["add", "echo", "refuse"]
