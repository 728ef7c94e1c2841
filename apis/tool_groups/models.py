"""The tool group routing table and the tools each group's provider listed for it."""

from django.db import models

from apis.common.models import RoutedResource


class ToolGroup(RoutedResource):
    mcp_endpoint_uri = models.CharField(
        max_length=2048, blank=True, default="", help_text="The MCP server of the group (MCP providers only)."
    )
    args = models.JSONField(default=dict, blank=True, help_text="Options for the provider, per group.")
    # The definition (provider, endpoint, args) whose tools are stored; a group from the distribution
    # config is stored before any provider runs, and its tools are listed when they are first needed.
    tools_listed_for = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta(RoutedResource.Meta):
        verbose_name = "tool group"


class Tool(models.Model):
    """A tool of a registered group. Who may see or use it is decided by its group's owner and the policy."""

    name = models.CharField(max_length=255, unique=True, help_text="The tool's name, unique on the server.")
    toolgroup = models.ForeignKey(ToolGroup, on_delete=models.CASCADE, related_name="tools")
    description = models.TextField(blank=True, default="")
    input_schema = models.JSONField(default=dict, blank=True, help_text="JSON Schema of the tool's arguments.")
    output_schema = models.JSONField(null=True, blank=True, help_text="JSON Schema of its structured result.")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
