"""`remote::model-context-protocol` end to end through the HTTP API, against real MCP servers on 127.0.0.1."""

import base64
import time

import pytest
from django.test import Client
from mcp.server.mcpserver import Image
from mcp.server.mcpserver.exceptions import ToolError

from apis.tool_groups.models import ToolGroup
from tests.apis.tool_groups.conftest import register_group, register_mcp_provider
from tests.support.http import json_server
from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp
from tests.support.server import free_port

pytestmark = pytest.mark.django_db


def invoke(client: Client, **body: object):
    return client.post("/v1/tool-runtime/invoke", body, content_type="application/json")


def tool_names(client: Client, toolgroup_id: str) -> list[str]:
    return [tool["name"] for tool in client.get(f"/v1/tools?toolgroup_id={toolgroup_id}").json()["data"]]


def test_streamable_http(client: Client, mcp: str, mcp_server: RunningMCPServer) -> None:
    created = register_group(client, toolgroup_id="http", mcp_endpoint={"uri": mcp_server.http_url})
    assert created.status_code == 200, created.content
    assert tool_names(client, "http") == ["add", "echo", "refuse"]
    echoed = invoke(client, tool_name="echo", kwargs={"text": "hi"})
    assert echoed.json()["content"] == [{"type": "text", "text": "hi"}]
    twice = invoke(client, tool_name="echo", kwargs={"text": "hi", "times": 2})
    assert twice.json() == {
        "content": [{"type": "text", "text": "hi hi"}],
        "error_message": None,
        "error_code": None,
        "metadata": {"structured_content": {"result": "hi hi"}},
    }


def test_sse_for_endpoints_ending_in_sse(client: Client, mcp: str, mcp_server: RunningMCPServer) -> None:
    created = register_group(client, toolgroup_id="sse", mcp_endpoint={"uri": mcp_server.sse_url})
    assert created.status_code == 200, created.content
    assert tool_names(client, "sse") == ["add", "echo", "refuse"]
    assert invoke(client, tool_name="add", kwargs={"a": 1, "b": 2}).json()["content"] == [{"type": "text", "text": "3"}]
    listed = client.get("/v1/tool-runtime/list-tools?tool_group_id=sse").json()["data"]
    assert [tool["name"] for tool in listed] == ["add", "echo", "refuse"]


def test_text_and_image_content(client: Client, mcp: str) -> None:
    server = build_tools_server()
    pixel = b"\x89PNG\r\n\x1a\n-not-really"

    def draw(caption: str) -> list:
        """A picture and its caption."""
        return [caption, Image(data=pixel, format="png")]

    server.add_tool(draw)
    with serve_mcp(server) as running:
        assert register_group(client, toolgroup_id="pics", mcp_endpoint={"uri": running.http_url}).status_code == 200
        drawn = invoke(client, tool_name="draw", kwargs={"caption": "a dot"}).json()
    assert drawn["content"] == [
        {"type": "text", "text": "a dot"},
        {"type": "image", "image": {"data": base64.b64encode(pixel).decode(), "url": None}},
    ]
    assert drawn["error_message"] is None


def test_a_server_that_went_away_is_502_and_its_group_stays(client: Client, mcp: str) -> None:
    with serve_mcp(build_tools_server()) as running:
        assert register_group(client, toolgroup_id="gone", mcp_endpoint={"uri": running.http_url}).status_code == 200
    for response in (
        invoke(client, tool_name="add", kwargs={"a": 1, "b": 2}),
        client.get("/v1/tool-runtime/list-tools?tool_group_id=gone"),
    ):
        assert response.status_code == 502
        assert response.json()["error"]["type"] == "upstream_error"
        assert response.json()["error"]["message"].startswith(f"The MCP server at {running.http_url} could not be")
    assert tool_names(client, "gone") == ["add", "echo", "refuse"]


def test_an_endpoint_that_is_no_mcp_server_is_502(client: Client, mcp: str) -> None:
    with json_server(lambda method, path, body: (404, {"detail": "Not Found"})) as url:
        response = register_group(client, toolgroup_id="g", mcp_endpoint={"uri": f"{url}/mcp"})
    assert response.status_code == 502
    assert response.json()["error"]["message"].startswith(f"The MCP server at {url}/mcp ")
    assert not ToolGroup.objects.exists()


def test_a_tool_slower_than_the_timeout_is_504(client: Client) -> None:
    register_mcp_provider(timeout=0.3)
    server = build_tools_server()

    def sleep(seconds: float) -> str:
        """Sleep, then say so."""
        time.sleep(seconds)
        return "awake"

    server.add_tool(sleep)
    with serve_mcp(server) as running:
        assert register_group(client, toolgroup_id="slow", mcp_endpoint={"uri": running.http_url}).status_code == 200
        started = time.monotonic()
        response = invoke(client, tool_name="sleep", kwargs={"seconds": 1.5})
        assert time.monotonic() - started < 1.2
        assert invoke(client, tool_name="sleep", kwargs={"seconds": 0}).json()["content"][0]["text"] == "awake"
    assert response.status_code == 504
    assert response.json()["error"]["message"] == f"The MCP server at {running.http_url} did not answer within 0.3s."


def test_allowed_endpoints_limit_where_the_server_connects(client: Client, mcp_server: RunningMCPServer) -> None:
    register_mcp_provider(allowed_endpoints=[f"{mcp_server.base_url}/*"])
    elsewhere = f"http://127.0.0.1:{free_port()}/mcp"
    refused = register_group(client, toolgroup_id="g", mcp_endpoint={"uri": elsewhere})
    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "message": f"The MCP endpoint '{elsewhere}' is not allowed by this provider; allowed: {mcp_server.base_url}/*.",
        "type": "invalid_request_error",
        "code": None,
        "param": "mcp_endpoint.uri",
    }
    assert register_group(client, toolgroup_id="g", mcp_endpoint={"uri": mcp_server.http_url}).status_code == 200


def test_tool_errors_raised_by_the_server_reach_the_model(client: Client, mcp: str) -> None:
    server = build_tools_server()

    def divide(a: float, b: float) -> float:
        """Divide a by b."""
        if b == 0:
            raise ToolError("b must not be zero")
        return a / b

    server.add_tool(divide)
    with serve_mcp(server) as running:
        assert register_group(client, toolgroup_id="math", mcp_endpoint={"uri": running.http_url}).status_code == 200
        assert invoke(client, tool_name="divide", kwargs={"a": 1, "b": 4}).json()["content"] == [
            {"type": "text", "text": "0.25"}
        ]
        failed = invoke(client, tool_name="divide", kwargs={"a": 1, "b": 0}).json()
    assert failed["error_code"] == 1
    assert failed["error_message"] == "Error executing tool divide: b must not be zero"
