"""The shared routing table: registered resources of one type, each served by a provider of one API.

One `RoutingTable` per resource type (shields, vector DBs, tool groups...) holds what every type
has in common: registration (the provider chosen explicitly or the only one of the serving API; a
400 naming the choices when several could serve; `provider_resource_id` defaulting to the
identifier; the same identifier again is the same resource or a 409), listing and getting under
the access policy (others' resources are absent from lists and 404 in gets), unregistration (the
delete action), the distribution config's `registered_resources.<key>` entries, and routing a
request to the provider serving a resource.

Providers are told: a provider that has `register_<resource_type>(resource)` /
`unregister_<resource_type>(resource)` methods (async, given the API's schema of the resource) is
called on each registration and unregistration, and its error undoes the registration. Before a
provider serves a resource in a process for the first time, `aroute` calls its
`register_<resource_type>` again, so that every process's instance knows every resource, including
those seeded by the config (which is applied while the providers are being built, before any
provider can be called). A provider's `register_<resource_type>` must therefore be idempotent.
"""

import logging
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from asgiref.sync import async_to_sync
from django.db import IntegrityError, transaction
from pydantic import BaseModel, ValidationError

from apis.access.guards import can, ensure, ensure_create, readable
from apis.access.identity import owner_fields
from apis.common.errors import BadRequestError, ConflictError, NotFoundError, StackError
from apis.common.models import RoutedResource
from apis.providers.models import ProviderRegistration
from providers.resolver import ProviderStack, aget_stack, get_stack

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=RoutedResource)
Resource = TypeVar("Resource", bound=BaseModel)
Entry = TypeVar("Entry", bound=BaseModel)

# The columns every table compares when the same identifier is registered again.
ROUTING_FIELDS = ("provider_id", "provider_resource_id")


@dataclass(frozen=True)
class Registration:
    """What a registration asks for; the table fills in the provider and the provider's id."""

    identifier: str
    provider_id: str | None = None
    provider_resource_id: str | None = None
    # The table's own columns (a shield's params, a vector DB's embedding model...), already checked.
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route(Generic[Resource]):
    """Where a request for a resource goes: the resource as the API shows it, and its provider."""

    resource: Resource
    provider_id: str
    provider: Any


class RoutingTable(Generic[Row, Resource]):
    """Registrations of one resource type (`model`, a RoutedResource) served by the providers of `provider_api`.

    `resource_type` is the access policy's name for the type ("shield", "vector_db", "tool_group")
    and the suffix of the provider's register/unregister methods; `to_schema` is the one mapping of
    a row to the API's schema; `id_param` and `provider_resource_param` name the request fields that
    carry the identifier and the provider's id, for error messages.
    """

    def __init__(
        self,
        *,
        model: type[Row],
        resource_type: str,
        provider_api: str,
        not_found: type[NotFoundError],
        to_schema: Callable[[Row], Resource],
        id_param: str,
        provider_resource_param: str,
    ) -> None:
        self.model = model
        self.resource_type = resource_type
        self.provider_api = provider_api
        self.not_found = not_found
        self.to_schema = to_schema
        self.id_param = id_param
        self.provider_resource_param = provider_resource_param
        self.noun = not_found.resource
        # Per provider instance, the (row id, version) of the resources it has been told about.
        self._announced: weakref.WeakKeyDictionary[Any, set[tuple[int, float]]] = weakref.WeakKeyDictionary()

    # Providers

    def stack(self) -> ProviderStack:
        """The running providers, once the distribution config is applied.

        Building the stack applies the config: until then its providers, models and resources are not
        in the tables. Services whose checks read them (a vector DB's embedding model) call this first.
        Never from a config applier, which runs while the stack is being built.
        """
        return get_stack()

    def provider_ids(self) -> list[str]:
        """The enabled providers of the serving API, by id."""
        return list(
            ProviderRegistration.objects.filter(api=self.provider_api, enabled=True)
            .order_by("provider_id")
            .values_list("provider_id", flat=True)
        )

    def choose_provider(self, provider_id: str | None) -> str:
        """The provider a new resource goes to: the one named, or the only one there is."""
        available = self.provider_ids()
        if provider_id is None:
            if len(available) == 1:
                return available[0]
            if not available:
                raise BadRequestError(
                    f"No {self.provider_api} provider is registered; register one before a {self.noun.lower()}.",
                    param="provider_id",
                )
            raise BadRequestError(
                f"provider_id is required when several {self.provider_api} providers exist: {', '.join(available)}.",
                param="provider_id",
            )
        if provider_id not in available:
            raise BadRequestError(
                f"Provider '{provider_id}' is not an enabled {self.provider_api} provider. "
                f"{self.provider_api.capitalize()} providers: {', '.join(available) or 'none'}.",
                param="provider_id",
            )
        return provider_id

    def stored_fields(self, registration: Registration) -> dict[str, Any]:
        """The columns a registration stores: provider chosen, provider's id defaulted, own fields."""
        return {
            "provider_id": self.choose_provider(registration.provider_id),
            "provider_resource_id": registration.provider_resource_id or registration.identifier,
            **registration.fields,
        }

    def _version(self, row: Row) -> tuple[int, float]:
        return (row.pk, row.updated_at.timestamp())

    def _tell(self, provider: Any, action: str, row: Row, resource: Resource) -> None:
        method = getattr(provider, f"{action}_{self.resource_type}", None)
        if method is not None:
            async_to_sync(method)(resource)
        if action == "register":
            self._announced.setdefault(provider, set()).add(self._version(row))

    # Reads

    def get(self, identifier: str, *, action: str = "read", param: str | None = None) -> Row:
        """The resource, if the caller may `action` it (404 when they may not even read it)."""
        row = self.model.objects.filter(identifier=identifier).first()
        return self._checked(row, identifier, action, param)

    async def aget(self, identifier: str, *, action: str = "read", param: str | None = None) -> Row:
        # Building the stack applies the distribution config, whose resources must be found too.
        await aget_stack()
        row = await self.model.objects.filter(identifier=identifier).afirst()
        return self._checked(row, identifier, action, param)

    def _checked(self, row: Row | None, identifier: str, action: str, param: str | None) -> Row:
        if row is None:
            raise self.not_found(identifier, param=param)
        ensure(self.resource_type, row, action, self.not_found(identifier, param=param), row.identifier)
        return row

    def list_rows(self, **filters: Any) -> list[Row]:
        """The resources the caller may read, by identifier; `filters` are ORM lookups."""
        rows = self.model.objects.filter(**filters).order_by("identifier")
        return list(readable(self.resource_type, rows.iterator(), "identifier"))

    async def alist_rows(self, **filters: Any) -> list[Row]:
        await aget_stack()
        rows = [row async for row in self.model.objects.filter(**filters).order_by("identifier")]
        return list(readable(self.resource_type, rows, "identifier"))

    async def aroute(self, identifier: str, *, action: str = "read", param: str | None = None) -> Route[Resource]:
        """The resource (if the caller may `action` it) and the provider instance serving it.

        The first time this process's instance serves the resource, it is told about it.
        """
        stack = await aget_stack()
        row = await self.model.objects.filter(identifier=identifier).afirst()
        row = self._checked(row, identifier, action, param)
        resource = self.to_schema(row)
        provider = stack.impl(row.provider_id)
        if self._version(row) not in self._announced.get(provider, ()):
            method = getattr(provider, f"register_{self.resource_type}", None)
            if method is not None:
                await method(resource)
            self._announced.setdefault(provider, set()).add(self._version(row))
        return Route(resource=resource, provider_id=row.provider_id, provider=provider)

    # Writes

    def register(
        self,
        registration: Registration,
        *,
        source: str = RoutedResource.Source.API,
        owner: dict[str, Any] | None = None,
    ) -> Row:
        """Register a resource and tell its provider; the same identifier again is the same resource or a 409.

        `owner` is `{"owner_principal", "owner_attributes"}`; by default the caller owns it (unowned when
        authentication is off).
        """
        ensure_create(self.resource_type, registration.identifier)
        stack = self.stack()
        try:
            with transaction.atomic():
                return self._register(stack, registration, source, owner_fields() if owner is None else owner)
        except IntegrityError:
            # Registered meanwhile by a concurrent request, or another unique column clashed.
            with transaction.atomic():
                existing = self.model.objects.filter(identifier=registration.identifier).first()
                if existing is None:
                    raise ConflictError(
                        f"{self.noun} '{registration.identifier}' clashes with an existing {self.noun.lower()}.",
                        param=self.id_param,
                    ) from None
                return self._same_or_conflict(existing, self.stored_fields(registration), source)

    def _register(self, stack: ProviderStack, registration: Registration, source: str, owner: dict[str, Any]) -> Row:
        fields = self.stored_fields(registration)
        existing = self.model.objects.select_for_update().filter(identifier=registration.identifier).first()
        if existing is not None:
            return self._same_or_conflict(existing, fields, source)
        row = self.model.objects.create(identifier=registration.identifier, source=source, **owner, **fields)
        # The provider's refusal (a StackError naming the problem) rolls the row back.
        self._tell(stack.impl(row.provider_id), "register", row, self.to_schema(row))
        return row

    def _same_or_conflict(self, existing: Row, fields: dict[str, Any], source: str) -> Row:
        if not can(self.resource_type, existing, "read", existing.identifier):
            # Someone else's: its identifier is taken, and that is all the caller learns.
            raise ConflictError(f"{self.noun} '{existing.identifier}' already exists.", param=self.id_param)
        different = [name for name, value in fields.items() if getattr(existing, name) != value]
        if different:
            raise ConflictError(
                f"{self.noun} '{existing.identifier}' is already registered with provider '{existing.provider_id}' "
                f"as '{existing.provider_resource_id}' (different: {', '.join(different)}); "
                "unregister it first to change it.",
                param=self.id_param,
            )
        if existing.source == RoutedResource.Source.LISTED and source != RoutedResource.Source.LISTED:
            # Registered by a person now: a provider listing must no longer remove it.
            existing.source = source
            existing.save(update_fields=["source", "updated_at"])
        return existing

    def unregister(self, identifier: str) -> None:
        """Remove a resource the caller may delete, and tell its provider (when it is running)."""
        stack = self.stack()
        with transaction.atomic():
            row = self.model.objects.select_for_update().filter(identifier=identifier).first()
            row = self._checked(row, identifier, "delete", None)
            resource = self.to_schema(row)
            row.delete()
            handle = stack.handles.get(row.provider_id)
            if handle is None or not handle.ok:
                # The provider is gone or broken: the registration must still be removable.
                logger.warning(
                    "%s '%s' unregistered without telling provider '%s', which is not running.",
                    self.noun, identifier, row.provider_id,
                )
                return
            self._tell(handle.impl, "unregister", row, resource)

    # The distribution config

    def apply_config(
        self,
        *,
        key: str,
        entries: list[Any],
        entry_class: type[Entry],
        identifier_key: str,
        to_registration: Callable[[Entry], Registration],
    ) -> tuple[int, list[str]]:
        """Apply `registered_resources.<key>`: create or update its resources, remove config ones it no longer names.

        Each entry is validated with `entry_class` and turned into a Registration by `to_registration`
        (which may raise a StackError). Resources people registered (source "api") are never
        overwritten; a bad entry is reported and never stops the others, nor removes its resource.
        Providers learn about these resources when they first serve them (see `aroute`). Returns how
        many rows changed and one message per entry that could not be applied.
        """
        changed, errors, named = 0, [], set()
        with transaction.atomic():
            for index, raw in enumerate(entries):
                label = f"registered_resources.{key}[{index}]"
                if isinstance(raw, dict) and raw.get("provider_id") == "":
                    # Its provider's id rendered empty: the provider is disabled, and so is the resource.
                    continue
                if isinstance(raw, dict) and isinstance(raw.get(identifier_key), str):
                    named.add(raw[identifier_key])
                    label += f" ('{raw[identifier_key]}')"
                try:
                    registration = to_registration(entry_class.model_validate(raw))
                    fields = self.stored_fields(registration)
                except ValidationError as exc:
                    problems = "; ".join(
                        f"{'.'.join(map(str, error['loc'])) or 'entry'}: {error['msg']}" for error in exc.errors()
                    )
                    errors.append(f"{label}: {problems}")
                    continue
                except StackError as exc:
                    errors.append(f"{label}: {exc.message}")
                    continue
                changed += self._apply_entry(registration.identifier, fields)
            removed, _ = (
                self.model.objects.filter(source=RoutedResource.Source.CONFIG).exclude(identifier__in=named).delete()
            )
        for message in errors:
            logger.error("Distribution config: %s", message)
        return changed + removed, errors

    def _apply_entry(self, identifier: str, fields: dict[str, Any]) -> int:
        row = self.model.objects.select_for_update().filter(identifier=identifier).first()
        if row is None:
            self.model.objects.create(
                identifier=identifier, source=RoutedResource.Source.CONFIG, owner_principal="", owner_attributes={},
                **fields,
            )
            return 1
        if row.source == RoutedResource.Source.API:
            return 0
        if row.source == RoutedResource.Source.CONFIG and all(getattr(row, k) == v for k, v in fields.items()):
            return 0
        for name, value in fields.items():
            setattr(row, name, value)
        row.source = RoutedResource.Source.CONFIG
        row.save()
        return 1

    def export_config(self, to_entry: Callable[[Row], dict[str, Any]]) -> list[dict[str, Any]]:
        """The resources people and the config registered, as `registered_resources` entries."""
        rows: Iterable[Row] = self.model.objects.exclude(source=RoutedResource.Source.LISTED).order_by("identifier")
        return [to_entry(row) for row in rows]
