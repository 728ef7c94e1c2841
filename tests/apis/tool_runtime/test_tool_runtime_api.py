"""/v1/tool-runtime through the real router: live listings and invocations routed to the tool's group's provider."""

import pytest
from django.test import Client

from tests.apis.tool_groups.conftest import register_group
from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp

pytestmark = pytest.mark.django_db


def invoke(client: Client, **body: object):
    return client.post("/v1/tool-runtime/invoke", body, content_type="application/json")


@pytest.fixture
def groups(client: Client, builtin: str, mcp: str, mcp_server: RunningMCPServer) -> None:
    assert register_group(client, toolgroup_id="calc", provider_id="builtin").status_code == 200
    created = register_group(client, toolgroup_id="mcp::tools", provider_id="mcp",
                             mcp_endpoint={"uri": mcp_server.http_url})
    assert created.status_code == 200


def test_invocations_go_to_the_provider_of_the_tools_group(client: Client, groups: None) -> None:
    added = invoke(client, tool_name="add", kwargs={"a": 2, "b": 40})
    assert added.status_code == 200
    assert added.json() == {
        "content": [{"type": "text", "text": "42"}],
        "error_message": None,
        "error_code": None,
        "metadata": {"structured_content": {"result": 42}},
    }
    calculated = invoke(client, tool_name="calculator", kwargs={"expression": "6 * 7"})
    assert calculated.json() == {
        "content": [{"type": "text", "text": "42"}],
        "error_message": None,
        "error_code": None,
        "metadata": {"tool": "calculator", "expression": "6 * 7", "result": "42"},
    }


def test_a_tools_own_failure_is_a_result_with_an_error_message(client: Client, groups: None) -> None:
    refused = invoke(client, tool_name="refuse", kwargs={"reason": "not today"})
    assert refused.status_code == 200
    assert refused.json() == {
        "content": [{"type": "text", "text": "Error executing tool refuse: refused: not today"}],
        "error_message": "Error executing tool refuse: refused: not today",
        "error_code": 1,
        "metadata": None,
    }
    # The MCP server checks the arguments against the tool's input schema.
    wrong = invoke(client, tool_name="add", kwargs={"a": "two"})
    assert wrong.status_code == 200
    assert wrong.json()["error_code"] == 1
    assert "validation errors for addArguments" in wrong.json()["error_message"]


def test_list_tools_asks_the_provider_now(client: Client, builtin: str, mcp: str) -> None:
    server = build_tools_server()
    with serve_mcp(server) as running:
        assert register_group(client, toolgroup_id="calc", provider_id="builtin").status_code == 200
        assert register_group(client, toolgroup_id="live", provider_id="mcp",
                              mcp_endpoint={"uri": running.http_url}).status_code == 200
        server.remove_tool("refuse")

        listed = client.get("/v1/tool-runtime/list-tools?tool_group_id=live")
        assert listed.status_code == 200
        tools = listed.json()["data"]
        assert [(tool["toolgroup_id"], tool["name"]) for tool in tools] == [("live", "add"), ("live", "echo")]
        assert tools[0]["input_schema"]["required"] == ["a", "b"]
        assert tools[0]["metadata"]["endpoint"] == running.http_url
        # The registered tools are still those listed when the group was registered.
        assert [tool["name"] for tool in client.get("/v1/tools?toolgroup_id=live").json()["data"]] == [
            "add", "echo", "refuse",
        ]
        everything = client.get("/v1/tool-runtime/list-tools").json()["data"]
        assert [(tool["toolgroup_id"], tool["name"]) for tool in everything] == [
            ("calc", "calculator"), ("live", "add"), ("live", "echo"),
        ]


def test_unknown_tools_and_groups_are_404(client: Client, groups: None) -> None:
    unknown_tool = invoke(client, tool_name="nope", kwargs={})
    assert unknown_tool.status_code == 404
    assert unknown_tool.json()["error"] == {
        "message": "Tool 'nope' not found.",
        "type": "invalid_request_error",
        "code": "not_found",
        "param": "tool_name",
    }
    unknown_group = client.get("/v1/tool-runtime/list-tools?tool_group_id=nope")
    assert unknown_group.status_code == 404
    assert unknown_group.json()["error"]["message"] == "Tool group 'nope' not found."
    assert unknown_group.json()["error"]["param"] == "tool_group_id"

    # A tool whose group was unregistered is gone with it.
    assert client.delete("/v1/toolgroups/calc").status_code == 200
    assert invoke(client, tool_name="calculator", kwargs={"expression": "1"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"kwargs": {}}, "tool_name"),
        ({"tool_name": "", "kwargs": {}}, "tool_name"),
        ({"tool_name": "add"}, "kwargs"),
        ({"tool_name": "add", "kwargs": [1, 2]}, "kwargs"),
        ({"tool_name": "add", "kwargs": {}, "stream": True}, "stream"),
    ],
)
def test_bad_invocations_are_400_naming_the_field(client: Client, groups: None, body: dict, param: str) -> None:
    response = invoke(client, **body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_an_empty_group_id_is_400(client: Client, groups: None) -> None:
    response = client.get("/v1/tool-runtime/list-tools?tool_group_id=")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "tool_group_id"
