"""Reads of the scoring-function routing table, which first takes in what the running providers list."""

import weakref
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async

from apis.providers.models import ProviderRegistration
from apis.scoring.protocol import ScoringProvider
from apis.scoring_functions.models import RegisteredScoringFunction
from apis.scoring_functions.services import scoring_functions_sync_listed
from apis.scoring_functions.table import SCORING_FUNCTIONS
from providers.resolver import ProviderStack, aget_stack
from providers.spec import Api

# The provider stack whose listings are in the table: listing again only when the providers change.
_listed_for: "weakref.ref[ProviderStack] | None" = None


def _enabled_scoring_providers() -> set[str]:
    return set(
        ProviderRegistration.objects.filter(api=Api.scoring, enabled=True).values_list("provider_id", flat=True)
    )


async def ascoring_functions_ensure_listed() -> None:
    """Register what each running scoring provider lists, once per provider stack (so at start, and again when
    the registrations change)."""
    global _listed_for
    stack = await aget_stack()
    if _listed_for is not None and _listed_for() is stack:
        return
    listed = {}
    for handle in stack.for_api(Api.scoring):
        provider: ScoringProvider = handle.impl
        listed[handle.provider_id] = await provider.list_scoring_functions()
    enabled = await sync_to_async(_enabled_scoring_providers)()
    await sync_to_async(scoring_functions_sync_listed)(listed=listed, enabled=enabled)
    _listed_for = weakref.ref(stack)


def scoring_functions_ensure_listed() -> None:
    async_to_sync(ascoring_functions_ensure_listed)()


def scoring_function_config_entry(row: RegisteredScoringFunction) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "scoring_fn_id": row.identifier,
        "provider_id": row.provider_id,
        "provider_scoring_fn_id": row.provider_resource_id,
        "description": row.description,
        "return_type": row.return_type,
    }
    if row.params is not None:
        entry["params"] = row.params
    if row.metadata:
        entry["metadata"] = row.metadata
    return entry


def scoring_functions_export_config() -> list[dict[str, Any]]:
    """The scoring functions people and the config registered, as `registered_resources.scoring_functions`."""
    return SCORING_FUNCTIONS.export_config(scoring_function_config_entry)
