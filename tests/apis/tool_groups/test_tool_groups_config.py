"""`registered_resources.tool_groups` of the distribution config: applied at start, tools listed when first read."""

import logging

import pytest
import yaml
from django.test import Client

from apis.providers.services import stack_config_apply, stack_config_export
from apis.tool_groups.models import Tool, ToolGroup
from providers.distribution import parse_distribution
from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp
from tests.support.server import free_port

pytestmark = pytest.mark.django_db

CONFIG = """
providers:
  tool_runtime:
    - {provider_id: mcp, provider_type: "remote::model-context-protocol", config: {}}
    - {provider_id: builtin, provider_type: "inline::builtin", config: {}}
registered_resources:
  tool_groups:
%s
"""


def tools(client: Client) -> dict[str, str]:
    return {tool["name"]: tool["toolgroup_id"] for tool in client.get("/v1/tools").json()["data"]}


def test_config_groups_are_applied_at_start_and_their_tools_listed_when_read(
    client: Client, stack_config, mcp_server: RunningMCPServer
) -> None:
    entries = f"""
    - {{toolgroup_id: "mcp::tools", provider_id: mcp, mcp_endpoint: {{uri: "{mcp_server.http_url}"}}}}
    - {{toolgroup_id: "builtin::calculator", provider_id: builtin}}
    - {{toolgroup_id: elsewhere, provider_id: nope}}
    - {{toolgroup_id: typo, provider_id: builtin, colour: red}}
"""
    stack_config(CONFIG % entries)
    groups = client.get("/v1/toolgroups").json()["data"]
    assert [(g["identifier"], g["mcp_endpoint"]) for g in groups] == [
        ("builtin::calculator", None),
        ("mcp::tools", {"uri": mcp_server.http_url}),
    ]
    assert set(ToolGroup.objects.values_list("source", flat=True)) == {"config"}
    # Applied while the providers were being built: no tool listed yet.
    assert not Tool.objects.exists()
    assert tools(client) == {
        "add": "mcp::tools", "calculator": "builtin::calculator", "echo": "mcp::tools", "refuse": "mcp::tools",
    }
    invoked = client.post("/v1/tool-runtime/invoke", {"tool_name": "add", "kwargs": {"a": 1, "b": 1}},
                          content_type="application/json")
    assert invoked.json()["content"] == [{"type": "text", "text": "2"}]

    result = stack_config_apply(config=parse_distribution(CONFIG % entries), force=True)
    assert result.errors == [
        "registered_resources.tool_groups[2] ('elsewhere'): Provider 'nope' is not an enabled tool_runtime "
        "provider. Tool_runtime providers: builtin, mcp.",
        "registered_resources.tool_groups[3] ('typo'): colour: Extra inputs are not permitted",
    ]
    exported = yaml.safe_load(stack_config_export())["registered_resources"]["tool_groups"]
    assert exported == [
        {"toolgroup_id": "builtin::calculator", "provider_id": "builtin"},
        {"toolgroup_id": "mcp::tools", "provider_id": "mcp", "mcp_endpoint": {"uri": mcp_server.http_url}},
    ]


def test_a_group_registered_before_the_config_groups_tools_were_listed_still_clashes_with_them(
    client: Client, stack_config, mcp_server: RunningMCPServer
) -> None:
    group = f'{{toolgroup_id: "mcp::tools", provider_id: mcp, mcp_endpoint: {{uri: "{mcp_server.http_url}"}}}}'
    stack_config(CONFIG % f"    - {group}")
    assert client.get("/v1/toolgroups").status_code == 200
    assert not Tool.objects.exists()
    again = client.post(
        "/v1/toolgroups",
        {"toolgroup_id": "again", "provider_id": "mcp", "mcp_endpoint": {"uri": mcp_server.sse_url}},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"].startswith("Tool 'add' is already provided by tool group 'mcp::tools'")
    assert set(ToolGroup.objects.values_list("identifier", flat=True)) == {"mcp::tools"}


def test_a_changed_endpoint_lists_the_new_servers_tools(client: Client, stack_config) -> None:
    first, second = build_tools_server("first"), build_tools_server("second")

    def shout(text: str) -> str:
        """Upper-case a text."""
        return text.upper()

    second.remove_tool("refuse")
    second.add_tool(shout)
    with serve_mcp(first) as one, serve_mcp(second) as two:
        stack_config(CONFIG % f'    - {{toolgroup_id: g, provider_id: mcp, mcp_endpoint: {{uri: "{one.http_url}"}}}}')
        assert sorted(tools(client)) == ["add", "echo", "refuse"]
        stack_config(CONFIG % f'    - {{toolgroup_id: g, provider_id: mcp, mcp_endpoint: {{uri: "{two.http_url}"}}}}')
        assert sorted(tools(client)) == ["add", "echo", "shout"]
        assert Tool.objects.get(name="add").metadata["endpoint"] == two.http_url
        # Removed from the config: the group and its tools go.
        stack_config(CONFIG % "    []")
        assert client.get("/v1/toolgroups").json() == {"data": []}
        assert not Tool.objects.exists()


def test_an_unreachable_config_server_leaves_its_group_without_tools(
    client: Client, stack_config, caplog: pytest.LogCaptureFixture
) -> None:
    uri = f"http://127.0.0.1:{free_port()}/mcp"
    stack_config(CONFIG % f"""
    - {{toolgroup_id: down, provider_id: mcp, mcp_endpoint: {{uri: "{uri}"}}}}
    - {{toolgroup_id: calc, provider_id: builtin}}
""")
    with caplog.at_level(logging.ERROR, logger="apis.tool_groups.table"):
        assert tools(client) == {"calculator": "calc"}
    assert [record.getMessage() for record in caplog.records] == [
        f"The tools of tool group 'down' could not be listed: The MCP server at {uri} could not be reached: "
        "All connection attempts failed"
    ]
    assert [g["identifier"] for g in client.get("/v1/toolgroups").json()["data"]] == ["calc", "down"]
