"""Tool groups and their tools under authentication: owners recorded, others' groups absent and 404 everywhere."""

import pytest
from django.core.cache import cache
from django.test import Client

from apis.access.services import api_key_create
from apis.tool_groups.models import Tool, ToolGroup
from tests.support.mcp_server import RunningMCPServer

pytestmark = pytest.mark.django_db

CONFIG = """
server:
  auth:
    provider_config: {type: api_keys}
    %s
providers:
  tool_runtime:
    - {provider_id: mcp, provider_type: "remote::model-context-protocol", config: {}}
    - {provider_id: builtin, provider_type: "inline::builtin", config: {}}
"""
OWNER_DELETES = """access_policy:
      - {permit: {actions: [create, read]}, when: "user in owners teams"}
      - {permit: {actions: [delete]}, when: "user is owner"}"""


@pytest.fixture(autouse=True)
def clear_cache() -> None:
    cache.clear()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def post(client: Client, path: str, body: dict, headers: dict[str, str]):
    return client.post(path, body, content_type="application/json", headers=headers)


def test_others_groups_and_tools_do_not_exist_for_them(
    client: Client, stack_config, mcp_server: RunningMCPServer
) -> None:
    stack_config(CONFIG % "")
    alice = auth(api_key_create(principal="alice", attributes={"teams": ["ml"]}).key)
    bob = auth(api_key_create(principal="bob", attributes={"teams": ["web"]}).key)
    carol = auth(api_key_create(principal="carol", attributes={"teams": ["ml"]}).key)

    mine = {"toolgroup_id": "mine", "provider_id": "mcp", "mcp_endpoint": {"uri": mcp_server.http_url}}
    assert post(client, "/v1/toolgroups", mine, alice).status_code == 200
    row = ToolGroup.objects.get()
    assert (row.owner_principal, row.owner_attributes) == ("alice", {"teams": ["ml"]})
    assert Tool.objects.filter(toolgroup=row).count() == 3

    assert client.get("/v1/toolgroups", headers=bob).json() == {"data": []}
    assert client.get("/v1/tools", headers=bob).json() == {"data": []}
    assert client.get("/v1/tool-runtime/list-tools", headers=bob).json() == {"data": []}
    for response in (
        client.get("/v1/toolgroups/mine", headers=bob),
        client.delete("/v1/toolgroups/mine", headers=bob),
        client.get("/v1/tools/add", headers=bob),
        client.get("/v1/tools?toolgroup_id=mine", headers=bob),
        client.get("/v1/tool-runtime/list-tools?tool_group_id=mine", headers=bob),
        post(client, "/v1/tool-runtime/invoke", {"tool_name": "add", "kwargs": {"a": 1, "b": 2}}, bob),
    ):
        assert response.status_code == 404, response.request["PATH_INFO"]
    # Taken names say no more than that.
    taken = post(client, "/v1/toolgroups", mine, bob)
    assert taken.status_code == 409
    assert taken.json()["error"]["message"] == "Tool group 'mine' already exists."
    clash = post(client, "/v1/toolgroups", {**mine, "toolgroup_id": "bobs"}, bob)
    assert clash.status_code == 409
    assert clash.json()["error"]["message"] == "Tool 'add' already exists."
    assert ToolGroup.objects.count() == 1

    # The default policy: users sharing a team with the owner see the group and use its tools.
    assert [t["name"] for t in client.get("/v1/tools", headers=carol).json()["data"]] == ["add", "echo", "refuse"]
    used = post(client, "/v1/tool-runtime/invoke", {"tool_name": "add", "kwargs": {"a": 1, "b": 2}}, carol)
    assert used.json()["content"] == [{"type": "text", "text": "3"}]
    assert [g["identifier"] for g in client.get("/v1/toolgroups", headers=alice).json()["data"]] == ["mine"]

    # Bob's own group: his alone.
    assert post(client, "/v1/toolgroups", {"toolgroup_id": "calc", "provider_id": "builtin"}, bob).status_code == 200
    assert [g["identifier"] for g in client.get("/v1/toolgroups", headers=bob).json()["data"]] == ["calc"]
    assert [t["name"] for t in client.get("/v1/tools", headers=alice).json()["data"]] == ["add", "echo", "refuse"]
    calc = post(client, "/v1/tool-runtime/invoke", {"tool_name": "calculator", "kwargs": {"expression": "1"}}, alice)
    assert calc.status_code == 404


def test_deleting_needs_the_delete_action_and_takes_the_tools(
    client: Client, stack_config, mcp_server: RunningMCPServer
) -> None:
    stack_config(CONFIG % OWNER_DELETES)
    alice = auth(api_key_create(principal="alice", attributes={"teams": ["ml"]}).key)
    carol = auth(api_key_create(principal="carol", attributes={"teams": ["ml"]}).key)
    assert post(client, "/v1/toolgroups", {"toolgroup_id": "calc", "provider_id": "builtin"}, alice).status_code == 200
    assert client.get("/v1/tools/calculator", headers=carol).status_code == 200
    refused = client.delete("/v1/toolgroups/calc", headers=carol)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "You may not delete tool_group 'calc'."
    assert client.delete("/v1/toolgroups/calc", headers=alice).status_code == 200
    assert not Tool.objects.exists()
