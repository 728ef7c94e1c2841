"""The tool group routing table, and the one mapping of its rows (and their tools) to the API's schemas.

Registering a group asks its provider for the group's tools and stores each of them; a tool name that
another group already provides is a 409. Groups from the distribution config are stored while the
providers are being built, when none can be asked, so their tools are listed the first time tools
are read (`ensure_tools_listed`).
"""

import hashlib
import json
import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from django.db import IntegrityError, transaction

from apis.access.guards import can, ensure_create
from apis.common.errors import ConflictError, StackError, ToolGroupNotFoundError
from apis.common.models import RoutedResource
from apis.common.routing_table import Registration, RoutingTable
from apis.tool_groups.models import Tool, ToolGroup
from apis.tool_groups.schemas import URL
from apis.tool_groups.schemas import Tool as ToolSchema
from apis.tool_groups.schemas import ToolGroup as ToolGroupSchema
from apis.tool_runtime.schemas import ToolDef, parameters_from_schema
from providers.resolver import ProviderStack, get_stack
from providers.spec import Api

logger = logging.getLogger(__name__)

# A config group whose tools could not be listed is tried again after this long (per process), so that
# an unreachable MCP server does not slow down every read of the tools.
LISTING_RETRY_SECONDS = 30.0


def tool_group_to_schema(row: ToolGroup) -> ToolGroupSchema:
    return ToolGroupSchema(
        identifier=row.identifier,
        provider_resource_id=row.provider_resource_id,
        provider_id=row.provider_id,
        mcp_endpoint=URL(uri=row.mcp_endpoint_uri) if row.mcp_endpoint_uri else None,
        args=row.args or None,
    )


def tool_to_schema(row: Tool) -> ToolSchema:
    group = row.toolgroup
    return ToolSchema(
        identifier=row.name,
        provider_resource_id=row.name,
        provider_id=group.provider_id,
        toolgroup_id=group.identifier,
        name=row.name,
        description=row.description,
        input_schema=row.input_schema,
        output_schema=row.output_schema,
        parameters=parameters_from_schema(row.input_schema),
        metadata=row.metadata or None,
    )


def definition_digest(row: ToolGroup) -> str:
    """What the group's tools depend on; stored tools listed for another definition are out of date."""
    definition = [row.provider_id, row.provider_resource_id, row.mcp_endpoint_uri, row.args]
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


class ToolGroupTable(RoutingTable[ToolGroup, ToolGroupSchema]):
    def __init__(self) -> None:
        super().__init__(
            model=ToolGroup,
            resource_type="tool_group",
            provider_api=Api.tool_runtime,
            not_found=ToolGroupNotFoundError,
            to_schema=tool_group_to_schema,
            id_param="toolgroup_id",
            provider_resource_param="toolgroup_id",
        )
        # (group pk, definition digest) -> when listing its tools last failed, in this process.
        self._listing_failed_at: dict[tuple[int, str], float] = {}

    def register(
        self,
        registration: Registration,
        *,
        source: str = RoutedResource.Source.API,
        owner: dict[str, Any] | None = None,
    ) -> ToolGroup:
        """Register a group with the tools its provider lists; registering the same group again lists them again."""
        ensure_create(self.resource_type, registration.identifier)
        stack = get_stack()
        # Tool names are unique: the config groups' tools must be known before they can clash.
        self.ensure_tools_listed()
        draft = self.model(identifier=registration.identifier, **self.stored_fields(registration))
        # Listed before any write: an MCP server may take seconds to answer, and no other write waits for it.
        tools = self._list(stack, draft)
        with transaction.atomic():
            row = super().register(registration, source=source, owner=owner)
            self._store_tools(row, tools)
        return row

    def ensure_tools_listed(self) -> None:
        """List the tools of config groups whose stored tools are not those of their current definition.

        A group whose provider fails is logged and left for later: its tools are missing (or out of
        date) until a listing succeeds.
        """
        stack = get_stack()
        for row in self.model.objects.filter(source=RoutedResource.Source.CONFIG):
            digest = definition_digest(row)
            failed_at = self._listing_failed_at.get((row.pk, digest))
            if row.tools_listed_for == digest or (
                failed_at is not None and time.monotonic() - failed_at < LISTING_RETRY_SECONDS
            ):
                continue
            try:
                tools = self._list(stack, row)
                with transaction.atomic():
                    current = self.model.objects.select_for_update().filter(pk=row.pk).first()
                    # Changed or listed by another process meanwhile: that one is the current state.
                    if (
                        current is not None
                        and definition_digest(current) == digest
                        and current.tools_listed_for != digest
                    ):
                        self._store_tools(current, tools)
            except StackError as exc:
                self._listing_failed_at[(row.pk, digest)] = time.monotonic()
                logger.error("The tools of tool group '%s' could not be listed: %s", row.identifier, exc.message)

    def refresh_tools(self, row: ToolGroup) -> None:
        """List the group's tools again (its MCP server may have changed them)."""
        tools = self._list(get_stack(), row)
        with transaction.atomic():
            current = self.model.objects.select_for_update().get(pk=row.pk)
            self._store_tools(current, tools)

    def _list(self, stack: ProviderStack, row: ToolGroup) -> list[ToolDef]:
        provider = stack.impl(row.provider_id)
        return async_to_sync(provider.list_runtime_tools)(self.to_schema(row))

    def _store_tools(self, row: ToolGroup, tools: list[ToolDef]) -> None:
        """Make the group's stored tools those listed: new ones added, changed ones updated, gone ones removed."""
        listed = {tool.name: tool for tool in tools}
        clash = Tool.objects.filter(name__in=listed).exclude(toolgroup=row).select_related("toolgroup").first()
        if clash is not None:
            raise self._clash(clash.name, clash.toolgroup)
        Tool.objects.filter(toolgroup=row).exclude(name__in=listed).delete()
        try:
            with transaction.atomic():
                for tool in listed.values():
                    Tool.objects.update_or_create(
                        name=tool.name,
                        defaults={
                            "toolgroup": row,
                            "description": tool.description or "",
                            "input_schema": tool.input_schema or {},
                            "output_schema": tool.output_schema,
                            "metadata": tool.metadata or {},
                        },
                    )
        except IntegrityError:
            # Another group registered one of these names meanwhile.
            clash = Tool.objects.filter(name__in=listed).exclude(toolgroup=row).select_related("toolgroup").first()
            if clash is None:
                raise ConflictError(
                    f"The tools of tool group '{row.identifier}' changed while it was registered; try again.",
                    param="toolgroup_id",
                ) from None
            raise self._clash(clash.name, clash.toolgroup) from None
        row.tools_listed_for = definition_digest(row)
        row.save(update_fields=["tools_listed_for"])

    def _clash(self, tool_name: str, other: ToolGroup) -> ConflictError:
        if can(self.resource_type, other, "read", other.identifier):
            return ConflictError(
                f"Tool '{tool_name}' is already provided by tool group '{other.identifier}'; "
                "tool names are unique: unregister that group first.",
                param="toolgroup_id",
            )
        # Someone else's group: the name is taken, and that is all the caller learns.
        return ConflictError(f"Tool '{tool_name}' already exists.", param="toolgroup_id")


TOOL_GROUPS = ToolGroupTable()
