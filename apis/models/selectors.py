"""Reads of the model routing table: the config export, and the resolution of a requested model id to
its provider, on the path of every inference request (other reads go through apis.models.table.MODELS).
"""

import time
from dataclasses import dataclass
from typing import Any

from apis.access.guards import ensure
from apis.common.errors import ModelNotFoundError
from apis.models.models import Model
from apis.models.table import MODELS
from providers import resolver
from providers.resolver import ProviderStack
from providers.spec import Api


def model_config_entry(row: Model) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "model_id": row.identifier,
        "provider_id": row.provider_id,
        "provider_model_id": row.provider_resource_id,
        "model_type": row.model_type,
    }
    if row.metadata:
        entry["metadata"] = row.metadata
    return entry


def models_export_config() -> list[dict[str, Any]]:
    """The models people and the config registered, as `registered_resources.models` entries."""
    return MODELS.export_config(model_config_entry)


@dataclass(frozen=True)
class ModelRoute:
    """Where a request for a model goes."""

    identifier: str
    provider_id: str
    provider_resource_id: str
    # None when the model was addressed directly as 'provider_id/provider_model_id': its type is unknown.
    model_type: str | None
    # The registered model's owner (a directly addressed model is unowned).
    owner_principal: str = ""
    owner_attributes: dict[str, Any] | None = None


def _readable(route: ModelRoute) -> ModelRoute:
    """The route, if the caller may use the model: another team's model does not exist for them."""
    ensure("model", route, "read", ModelNotFoundError(route.identifier, param="model"), identifier=route.identifier)
    return route


async def amodel_route(identifier: str, stack: ProviderStack) -> ModelRoute:
    """The route of a registered model, else of 'provider_id/provider_model_id' for an inference provider."""
    row = (
        await Model.objects.filter(identifier=identifier)
        .values_list("provider_id", "provider_resource_id", "model_type", "owner_principal", "owner_attributes")
        .afirst()
    )
    if row is not None:
        return _readable(ModelRoute(identifier, *row))
    provider_id, slash, provider_model_id = identifier.partition("/")
    handle = stack.handles.get(provider_id)
    if slash and provider_model_id and handle is not None and handle.api == Api.inference:
        return ModelRoute(identifier, provider_id, provider_model_id, None)
    raise ModelNotFoundError(identifier, param="model")


# Resolving a model is on the path of every inference request. The provider stack is checked against
# the registry version on every request (one small query), so a registration edited in the admin
# takes effect on the next request in every process; the model row's route is reused for a short
# while: writes in this process forget it at once, other processes follow within ROUTE_CACHE_SECONDS.
# An expired route is read again by one request; the others arriving meanwhile keep the old one.
ROUTE_CACHE_SECONDS = 2.0
ROUTE_CACHE_SIZE = 4096
_resolved: dict[str, tuple[float, ProviderStack, ModelRoute]] = {}
_rereading: set[str] = set()


def model_routes_forget() -> None:
    _resolved.clear()


async def aresolve_model(identifier: str) -> tuple[ModelRoute, ProviderStack]:
    """The model's route and the provider stack that serves it; cached, see ROUTE_CACHE_SECONDS."""
    stack = await resolver.aget_stack()
    cached = _resolved.get(identifier)
    now = time.monotonic()
    # A stack the resolver has since replaced (registrations changed, or reset) voids the entry.
    if cached is not None and cached[1] is stack and (cached[0] > now or identifier in _rereading):
        return _readable(cached[2]), stack
    _rereading.add(identifier)
    try:
        route = await amodel_route(identifier, stack)
    finally:
        _rereading.discard(identifier)
    if len(_resolved) >= ROUTE_CACHE_SIZE:
        _resolved.clear()
    _resolved[identifier] = (now + ROUTE_CACHE_SECONDS, stack, route)
    return route, stack
