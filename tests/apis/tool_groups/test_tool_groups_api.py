"""/v1/toolgroups and /v1/tools through the real router: registering a group registers its provider's tools."""

import pytest
from django.test import Client

from apis.tool_groups.models import Tool, ToolGroup
from tests.apis.tool_groups.conftest import register_group, register_mcp_provider
from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp
from tests.support.server import free_port

pytestmark = pytest.mark.django_db


def mcp_group(client: Client, server: RunningMCPServer, toolgroup_id: str = "mcp::tools", **extra: object):
    return register_group(client, toolgroup_id=toolgroup_id, provider_id="mcp", mcp_endpoint={"uri": server.http_url},
                          **extra)


def names(client: Client, query: str = "") -> list[str]:
    return [tool["identifier"] for tool in client.get(f"/v1/tools{query}").json()["data"]]


def test_registering_an_mcp_group_registers_the_tools_its_server_lists(
    client: Client, builtin: str, mcp: str, mcp_server: RunningMCPServer
) -> None:
    created = mcp_group(client, mcp_server, args={"team": "ml"})
    assert created.status_code == 200, created.content
    group = created.json()
    assert group == {
        "identifier": "mcp::tools",
        "provider_resource_id": "mcp::tools",
        "provider_id": "mcp",
        "type": "tool_group",
        "mcp_endpoint": {"uri": mcp_server.http_url},
        "args": {"team": "ml"},
    }
    assert client.get("/v1/toolgroups/mcp::tools").json() == group
    assert client.get("/v1/toolgroups").json() == {"data": [group]}

    assert names(client) == ["add", "echo", "refuse"]
    assert names(client, "?toolgroup_id=mcp::tools") == ["add", "echo", "refuse"]
    add = client.get("/v1/tools/add").json()
    assert add == {
        "identifier": "add",
        "provider_resource_id": "add",
        "provider_id": "mcp",
        "type": "tool",
        "toolgroup_id": "mcp::tools",
        "name": "add",
        "description": "Add two integers.",
        "input_schema": {
            "type": "object",
            "properties": {"a": {"title": "A", "type": "integer"}, "b": {"title": "B", "type": "integer"}},
            "required": ["a", "b"],
            "title": "addArguments",
        },
        "output_schema": {
            "type": "object",
            "properties": {"result": {"title": "Result", "type": "integer"}},
            "required": ["result"],
            "title": "addOutput",
        },
        "parameters": [
            {"name": "a", "parameter_type": "integer", "description": "", "required": True, "items": None,
             "title": "A", "default": None},
            {"name": "b", "parameter_type": "integer", "description": "", "required": True, "items": None,
             "title": "B", "default": None},
        ],
        "metadata": {"endpoint": mcp_server.http_url, "title": "Addition", "annotations": {"readOnlyHint": True}},
    }
    echo = client.get("/v1/tools/echo").json()
    assert [(p["name"], p["required"], p["default"]) for p in echo["parameters"]] == [
        ("text", True, None),
        ("times", False, 1),
    ]
    assert ToolGroup.objects.get().source == "api"


def test_unregistering_a_group_removes_it_and_its_tools(
    client: Client, builtin: str, mcp: str, mcp_server: RunningMCPServer
) -> None:
    assert mcp_group(client, mcp_server).status_code == 200
    assert register_group(client, toolgroup_id="team/calc", provider_id="builtin").status_code == 200
    assert names(client) == ["add", "calculator", "echo", "refuse"]

    deleted = client.delete("/v1/toolgroups/mcp::tools")
    assert deleted.status_code == 200
    assert deleted.json() == {"identifier": "mcp::tools", "type": "tool_group", "deleted": True}
    assert names(client) == ["calculator"]
    assert list(Tool.objects.values_list("name", flat=True)) == ["calculator"]
    for path in ("/v1/toolgroups/mcp::tools", "/v1/tools/add"):
        assert client.get(path).status_code == 404, path

    # Group ids may contain '/'.
    assert client.get("/v1/toolgroups/team/calc").json()["identifier"] == "team/calc"
    assert client.delete("/v1/toolgroups/team/calc").status_code == 200
    assert not Tool.objects.exists()


def test_the_provider_is_chosen_like_every_routing_table(client: Client, builtin: str) -> None:
    only = register_group(client, toolgroup_id="calc")
    assert only.status_code == 200
    assert only.json()["provider_id"] == "builtin"
    register_mcp_provider()
    ambiguous = register_group(client, toolgroup_id="other")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["error"]["message"] == (
        "provider_id is required when several tool_runtime providers exist: builtin, mcp."
    )
    unknown = register_group(client, toolgroup_id="other", provider_id="nope")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["param"] == "provider_id"


def test_no_tool_runtime_provider_is_a_400(client: Client) -> None:
    response = register_group(client, toolgroup_id="calc")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "No tool_runtime provider is registered; register one before a tool group."
    )


def test_a_tool_name_another_group_provides_is_a_409_and_registers_nothing(
    client: Client, builtin: str, mcp: str, mcp_server: RunningMCPServer
) -> None:
    assert register_group(client, toolgroup_id="calc", provider_id="builtin").status_code == 200
    clash = register_group(client, toolgroup_id="calc-again", provider_id="builtin")
    assert clash.status_code == 409
    assert clash.json()["error"] == {
        "message": "Tool 'calculator' is already provided by tool group 'calc'; tool names are unique: "
        "unregister that group first.",
        "type": "invalid_request_error",
        "code": "conflict",
        "param": "toolgroup_id",
    }
    assert mcp_group(client, mcp_server, "first").status_code == 200
    # The same server under another id: the same names, from another group.
    assert mcp_group(client, mcp_server, "second").status_code == 409
    assert sorted(ToolGroup.objects.values_list("identifier", flat=True)) == ["calc", "first"]
    assert dict(Tool.objects.values_list("name", "toolgroup__identifier")) == {
        "add": "first", "calculator": "calc", "echo": "first", "refuse": "first",
    }


def test_registering_again_is_idempotent_but_a_different_definition_conflicts(
    client: Client, builtin: str, mcp: str, mcp_server: RunningMCPServer
) -> None:
    first = mcp_group(client, mcp_server)
    again = mcp_group(client, mcp_server)
    assert again.status_code == 200
    assert again.json() == first.json()
    different = mcp_group(client, mcp_server, args={"x": 1})
    assert different.status_code == 409
    assert different.json()["error"]["message"] == (
        "Tool group 'mcp::tools' is already registered with provider 'mcp' as 'mcp::tools' (different: args); "
        "unregister it first to change it."
    )
    assert ToolGroup.objects.get().args == {}


def test_registering_again_lists_the_tools_again(client: Client, mcp: str) -> None:
    server = build_tools_server()
    with serve_mcp(server) as running:
        assert mcp_group(client, running).status_code == 200

        def shout(text: str) -> str:
            """Upper-case a text."""
            return text.upper()

        server.add_tool(shout)
        server.remove_tool("refuse")
        # Registered tools are those listed at registration...
        assert names(client) == ["add", "echo", "refuse"]
        # ...until the group is registered again.
        assert mcp_group(client, running).status_code == 200
        assert names(client) == ["add", "echo", "shout"]
        assert client.get("/v1/tools/shout").json()["description"] == "Upper-case a text."


def test_unknown_ids_are_404(client: Client, builtin: str) -> None:
    for response, message in [
        (client.get("/v1/toolgroups/nope"), "Tool group 'nope' not found."),
        (client.delete("/v1/toolgroups/nope"), "Tool group 'nope' not found."),
        (client.get("/v1/tools/nope"), "Tool 'nope' not found."),
        (client.get("/v1/tools?toolgroup_id=nope"), "Tool group 'nope' not found."),
    ]:
        assert response.status_code == 404
        assert response.json()["error"]["message"] == message


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "toolgroup_id"),
        ({"toolgroup_id": ""}, "toolgroup_id"),
        ({"toolgroup_id": "g", "colour": "red"}, "colour"),
        ({"toolgroup_id": "g", "args": [1]}, "args"),
        ({"toolgroup_id": "g", "mcp_endpoint": "http://127.0.0.1/mcp"}, "mcp_endpoint"),
        ({"toolgroup_id": "g", "mcp_endpoint": {"uri": "ftp://127.0.0.1/mcp"}}, "mcp_endpoint.uri"),
        ({"toolgroup_id": "g", "mcp_endpoint": {}}, "mcp_endpoint.uri"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(client: Client, builtin: str, body: dict, param: str) -> None:
    response = register_group(client, **body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", param)
    assert not ToolGroup.objects.exists()


def test_providers_refuse_groups_they_cannot_serve(client: Client, builtin: str, mcp: str) -> None:
    no_endpoint = register_group(client, toolgroup_id="g", provider_id="mcp")
    assert no_endpoint.status_code == 400
    assert no_endpoint.json()["error"] == {
        "message": 'A tool group of an MCP provider needs mcp_endpoint: {"uri": "http://host/mcp"}.',
        "type": "invalid_request_error",
        "code": None,
        "param": "mcp_endpoint",
    }
    endpoint = register_group(client, toolgroup_id="g", provider_id="builtin", mcp_endpoint={"uri": "http://x/mcp"})
    assert endpoint.status_code == 400
    assert endpoint.json()["error"]["param"] == "mcp_endpoint"
    args = register_group(client, toolgroup_id="g", provider_id="builtin", args={"tools": ["calculator"]})
    assert args.status_code == 400
    assert args.json()["error"]["message"] == "Builtin tool groups take no args (got: tools)."
    assert not ToolGroup.objects.exists()


def test_an_mcp_server_that_cannot_be_reached_registers_nothing(client: Client, mcp: str) -> None:
    uri = f"http://127.0.0.1:{free_port()}/mcp"
    response = register_group(client, toolgroup_id="g", mcp_endpoint={"uri": uri})
    assert response.status_code == 502
    assert response.json()["error"]["message"].startswith(f"The MCP server at {uri} could not be reached")
    assert not ToolGroup.objects.exists()

