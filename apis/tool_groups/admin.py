"""Admin for the tool group routing table and the groups' tools.

Groups are registered and unregistered through the table (which lists their tools); tools are only
viewed here, since they are whatever their group's provider lists.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from pydantic import ValidationError

from apis.common.admin import RoutedResourceAdmin, RoutedResourceForm
from apis.common.errors import BadRequestError, StackError
from apis.tool_groups.models import Tool, ToolGroup
from apis.tool_groups.schemas import URL
from apis.tool_groups.services import tool_group_refresh_tools
from apis.tool_groups.table import TOOL_GROUPS


class ToolGroupForm(RoutedResourceForm):
    table = TOOL_GROUPS
    # The API has no provider id for a group: it is its identifier.
    provider_resource_id = None
    # Named as in the API, so that the provider's refusals (param "mcp_endpoint") show on it.
    mcp_endpoint = forms.CharField(
        required=False,
        max_length=2048,
        label="MCP endpoint",
        help_text="For a remote::model-context-protocol provider: the MCP server's URL, e.g. http://host:8000/mcp "
        "(ending in /sse for the SSE transport).",
    )
    args = forms.JSONField(
        required=False,
        initial=dict,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="A JSON object of options for the provider.",
    )

    class Meta:
        model = ToolGroup
        fields = ["identifier", "provider_id", "args"]

    def type_fields(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        uri = (cleaned.get("mcp_endpoint") or "").strip()
        if uri:
            try:
                uri = URL(uri=uri).uri
            except ValidationError:
                raise BadRequestError(
                    "The MCP endpoint must start with http:// or https://.", param="mcp_endpoint"
                ) from None
        args = cleaned.get("args") or {}
        if not isinstance(args, dict):
            raise BadRequestError("The args must be a JSON object.", param="args")
        return {"mcp_endpoint_uri": uri, "args": args}


class ToolInline(admin.TabularInline):
    model = Tool
    fields = ["name", "description"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: ToolGroup | None = None) -> bool:
        return False


@admin.register(ToolGroup)
class ToolGroupAdmin(RoutedResourceAdmin):
    table = TOOL_GROUPS
    form = ToolGroupForm
    inlines = [ToolInline]
    list_display = [*RoutedResourceAdmin.list_display[:2], "mcp_endpoint_uri", "tool_count",
                    *RoutedResourceAdmin.list_display[3:]]
    search_fields = [*RoutedResourceAdmin.search_fields, "mcp_endpoint_uri", "tools__name"]
    actions = ["refresh_tools"]

    def get_inlines(self, request: HttpRequest, obj: ToolGroup | None) -> list[type[admin.TabularInline]]:
        # A group being added has no tools yet: they are listed when it is registered.
        return self.inlines if obj is not None else []

    @admin.display(description="MCP endpoint")
    def mcp_endpoint(self, obj: ToolGroup) -> str:
        return obj.mcp_endpoint_uri

    def get_queryset(self, request: HttpRequest) -> QuerySet[ToolGroup]:
        return super().get_queryset(request).annotate(tool_count=Count("tools"))

    @admin.display(description="tools", ordering="tool_count")
    def tool_count(self, obj: ToolGroup) -> int:
        return obj.tool_count  # type: ignore[attr-defined]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, set[str], Any]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Tools go with their group (and cannot be deleted on their own): whoever may delete the group may.
        perms_needed.discard(Tool._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    @admin.action(description="List the selected groups' tools again", permissions=["change"])
    def refresh_tools(self, request: HttpRequest, queryset: QuerySet[ToolGroup]) -> None:
        for identifier in queryset.values_list("identifier", flat=True):
            try:
                group = tool_group_refresh_tools(identifier=identifier)
            except StackError as exc:
                self.message_user(request, f"{identifier}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{identifier}: {group.tools.count()} tools.", messages.SUCCESS)


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ["name", "toolgroup", "provider_id", "owner_principal", "short_description", "updated_at"]
    list_filter = ["toolgroup__provider_id", ("toolgroup", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "description", "toolgroup__identifier"]
    list_select_related = ["toolgroup"]
    readonly_fields = ["name", "toolgroup", "description", "input_schema", "output_schema", "metadata",
                       "created_at", "updated_at"]

    @admin.display(description="provider", ordering="toolgroup__provider_id")
    def provider_id(self, obj: Tool) -> str:
        return obj.toolgroup.provider_id

    @admin.display(description="owner", ordering="toolgroup__owner_principal")
    def owner_principal(self, obj: Tool) -> str:
        return obj.toolgroup.owner_principal

    @admin.display(description="description")
    def short_description(self, obj: Tool) -> str:
        return obj.description if len(obj.description) <= 80 else obj.description[:79] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Tool | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Tool | None = None) -> bool:
        return False
