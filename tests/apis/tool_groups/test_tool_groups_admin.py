"""The tool groups admin: groups registered (tools listed), viewed with their tools, refreshed, unregistered;
tools listed with filters and search, never edited."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from apis.tool_groups.models import Tool, ToolGroup
from apis.tool_groups.services import tool_group_register
from tests.support.mcp_server import RunningMCPServer, build_tools_server, serve_mcp

pytestmark = pytest.mark.django_db

GROUPS = "/admin/tool_groups/toolgroup/"
TOOLS = "/admin/tool_groups/tool/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


@pytest.fixture
def registered(builtin: str, mcp: str, mcp_server: RunningMCPServer) -> None:
    tool_group_register(identifier="calc", provider_id="builtin")
    tool_group_register(identifier="mcp::tools", provider_id="mcp", mcp_endpoint_uri=mcp_server.http_url)


def results(page) -> list[str]:
    return [str(row) for row in page.context["cl"].result_list]


def test_register_through_the_add_form_lists_the_tools(staff: Client, mcp: str, mcp_server: RunningMCPServer) -> None:
    assert staff.get(f"{GROUPS}add/").status_code == 200
    response = staff.post(f"{GROUPS}add/", {"identifier": "team/tools", "provider_id": "mcp",
                                            "mcp_endpoint": mcp_server.http_url, "args": "{}"})
    assert response.status_code == 302, response.content.decode()[:3000]
    group = ToolGroup.objects.get()
    assert (group.identifier, group.provider_id, group.mcp_endpoint_uri, group.source, group.owner_principal) == (
        "team/tools", "mcp", mcp_server.http_url, "api", "",
    )
    assert sorted(group.tools.values_list("name", flat=True)) == ["add", "echo", "refuse"]
    page = staff.get(f"{GROUPS}{group.pk}/change/").content.decode()
    assert "Add two integers." in page and "Repeat a text." in page
    assert mcp_server.http_url in page


def test_the_add_form_shows_the_providers_refusals_on_their_fields(
    staff: Client, builtin: str, mcp: str, mcp_server: RunningMCPServer
) -> None:
    def errors(**data: str) -> dict[str, list[str]]:
        response = staff.post(f"{GROUPS}add/", {"identifier": "g", "args": "{}", **data})
        assert response.status_code == 200
        return {name: list(messages) for name, messages in response.context["adminform"].form.errors.items()}

    assert errors(provider_id="mcp") == {
        "mcp_endpoint": ['A tool group of an MCP provider needs mcp_endpoint: {"uri": "http://host/mcp"}.'],
    }
    assert errors(provider_id="mcp", mcp_endpoint="ftp://x/mcp") == {
        "mcp_endpoint": ["The MCP endpoint must start with http:// or https://."],
    }
    assert errors(provider_id="builtin", args='{"tools": 1}') == {
        "args": ["Builtin tool groups take no args (got: tools)."],
    }
    assert not ToolGroup.objects.exists()


def test_changelists_filter_and_search(staff: Client, registered: None) -> None:
    page = staff.get(GROUPS)
    assert page.status_code == 200
    assert results(page) == ["calc", "mcp::tools"]
    assert results(staff.get(GROUPS, {"provider_id__exact": "mcp"})) == ["mcp::tools"]
    assert results(staff.get(GROUPS, {"q": "echo"})) == ["mcp::tools"]
    assert results(staff.get(GROUPS, {"q": "calculator"})) == ["calc"]

    tools = staff.get(TOOLS)
    assert tools.status_code == 200
    assert results(tools) == ["add", "calculator", "echo", "refuse"]
    assert results(staff.get(TOOLS, {"toolgroup__provider_id": "builtin"})) == ["calculator"]
    calc = ToolGroup.objects.get(identifier="calc")
    assert results(staff.get(TOOLS, {"toolgroup__id__exact": calc.pk})) == ["calculator"]
    assert results(staff.get(TOOLS, {"q": "add two"})) == ["add"]
    assert results(staff.get(TOOLS, {"q": "mcp::tools"})) == ["add", "echo", "refuse"]
    tool = Tool.objects.get(name="add")
    assert staff.get(f"{TOOLS}{tool.pk}/change/").status_code == 200
    assert staff.get(f"{TOOLS}add/").status_code == 403


def test_refresh_lists_the_tools_again(staff: Client, mcp: str) -> None:
    server = build_tools_server()
    with serve_mcp(server) as running:
        group = tool_group_register(identifier="g", provider_id="mcp", mcp_endpoint_uri=running.http_url)
        server.remove_tool("refuse")
        response = staff.post(GROUPS, {"action": "refresh_tools", "_selected_action": [group.pk]}, follow=True)
    assert [str(message) for message in response.context["messages"]] == ["g: 2 tools."]
    assert sorted(group.tools.values_list("name", flat=True)) == ["add", "echo"]


def test_unregister_takes_the_tools_even_for_those_who_may_not_delete_tools(client: Client, registered: None) -> None:
    ops = User.objects.create_user("ops", "ops@example.com", "pw", is_staff=True)
    codenames = ["view_toolgroup", "delete_toolgroup", "view_tool"]
    ops.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(ops)
    group = ToolGroup.objects.get(identifier="mcp::tools")
    confirm = client.get(f"{GROUPS}{group.pk}/delete/")
    assert confirm.status_code == 200
    assert not confirm.context["perms_lacking"]
    assert client.post(f"{GROUPS}{group.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(Tool.objects.values_list("name", flat=True)) == ["calculator"]
    assert list(ToolGroup.objects.values_list("identifier", flat=True)) == ["calc"]
