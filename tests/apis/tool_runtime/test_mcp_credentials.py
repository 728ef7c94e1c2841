"""The caller's credentials for an MCP server: `mcp_headers` of the X-LlamaStack-Provider-Data header.

A real MCP server that answers 401 without its bearer token, through the real router.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests.apis.tool_groups.conftest import register_group
from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def locked() -> Iterator[RunningMCPServer]:
    with serve_mcp(build_tools_server("locked-tools"), token=TOKEN) as running:
        yield running


@pytest.fixture
def open_group(client: Client, mcp: str, mcp_server: RunningMCPServer) -> RunningMCPServer:
    """A group on the shared MCP server, which asks for no credentials; the server is returned."""
    created = register_group(client, toolgroup_id="open", provider_id="mcp", mcp_endpoint={"uri": mcp_server.http_url})
    assert created.status_code == 200
    return mcp_server


def provider_data(per_endpoint: Any) -> dict[str, str]:
    return {"X-LlamaStack-Provider-Data": json.dumps({"mcp_headers": per_endpoint})}


def with_token(uri: str, token: str = TOKEN) -> dict[str, str]:
    return provider_data({uri: {"Authorization": f"Bearer {token}"}})


def invoke(client: Client, headers: dict[str, str] | None = None, **body: object):
    return client.post("/v1/tool-runtime/invoke", body, content_type="application/json", headers=headers or {})


@pytest.mark.parametrize("transport", ["http_url", "sse_url"])
def test_the_callers_headers_reach_the_mcp_server_they_name(
    client: Client, mcp: str, locked: RunningMCPServer, transport: str
) -> None:
    uri = getattr(locked, transport)
    # Registering lists the group's tools: that needs the token too.
    refused = register_group(client, toolgroup_id="locked", provider_id="mcp", mcp_endpoint={"uri": uri})
    assert refused.status_code == 401
    created = client.post(
        "/v1/toolgroups",
        {"toolgroup_id": "locked", "provider_id": "mcp", "mcp_endpoint": {"uri": uri}},
        content_type="application/json",
        headers=with_token(uri),
    )
    assert created.status_code == 200, created.content
    added = invoke(client, with_token(uri), tool_name="add", kwargs={"a": 2, "b": 40})
    assert added.status_code == 200, added.content
    assert added.json()["content"] == [{"type": "text", "text": "42"}]
    listed = client.get("/v1/tool-runtime/list-tools", {"tool_group_id": "locked"}, headers=with_token(uri))
    assert listed.status_code == 200
    assert {tool["name"] for tool in listed.json()["data"]} == {"add", "echo", "refuse"}


def test_without_or_with_wrong_credentials_the_servers_refusal_comes_back(
    client: Client, mcp: str, locked: RunningMCPServer
) -> None:
    uri = locked.http_url
    assert client.post(
        "/v1/toolgroups",
        {"toolgroup_id": "locked", "provider_id": "mcp", "mcp_endpoint": {"uri": uri}},
        content_type="application/json",
        headers=with_token(uri),
    ).status_code == 200
    for headers in ({}, with_token(uri, "wrong"), with_token("http://other.example/mcp")):
        refused = invoke(client, headers, tool_name="add", kwargs={"a": 1, "b": 1})
        assert refused.status_code == 401
        assert refused.json()["error"] == {
            "message": f"The MCP server at {uri} refused the request: HTTP 401. Its credentials go in "
            "mcp_headers of the X-LlamaStack-Provider-Data header.",
            "type": "upstream_error",
            "code": "mcp_unauthorized",
            "param": None,
        }


def test_headers_go_only_to_the_endpoint_they_name(
    client: Client, open_group: RunningMCPServer, locked: RunningMCPServer
) -> None:
    mcp_server = open_group
    mcp_server.authorizations.clear()
    answered = invoke(client, with_token(locked.http_url), tool_name="echo", kwargs={"text": "hi"})
    assert answered.status_code == 200
    assert mcp_server.authorizations and set(mcp_server.authorizations) == {None}
    # Written with a trailing slash, the endpoint is the same one.
    mcp_server.authorizations.clear()
    slashed = provider_data({mcp_server.http_url + "/": {"Authorization": "Bearer mine"}})
    assert invoke(client, slashed, tool_name="echo", kwargs={"text": "hi"}).status_code == 200
    assert set(mcp_server.authorizations) == {"Bearer mine"}


@pytest.mark.parametrize(
    "header",
    [
        "not json",
        "[1, 2]",
        json.dumps({"mcp_headers": ["Authorization"]}),
        json.dumps({"mcp_headers": {"URI": "Bearer x"}}),
        json.dumps({"mcp_headers": {"URI": {"Authorization": 7}}}),
        json.dumps({"mcp_headers": {"URI": {"Authorization": "Bearer x\r\nX-Injected: 1"}}}),
    ],
)
def test_malformed_provider_data_is_400_naming_the_header(
    client: Client, open_group: RunningMCPServer, header: str
) -> None:
    mcp_server = open_group
    calls = len(mcp_server.authorizations)
    answer = invoke(
        client,
        {"X-LlamaStack-Provider-Data": header.replace("URI", mcp_server.http_url)},
        tool_name="echo",
        kwargs={"text": "hi"},
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["param"] == "X-LlamaStack-Provider-Data"
    assert len(mcp_server.authorizations) == calls  # nothing was sent


def test_the_builtin_runtime_ignores_provider_data(client: Client, builtin: str) -> None:
    assert register_group(client, toolgroup_id="calc", provider_id="builtin").status_code == 200
    answer = invoke(
        client, {"X-LlamaStack-Provider-Data": "not json"}, tool_name="calculator", kwargs={"expression": "6 * 7"}
    )
    assert answer.status_code == 200
