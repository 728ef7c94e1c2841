"""The providers API over the registrations and this process's running providers."""

import asyncio

from django.utils.module_loading import import_string

from apis.common.errors import ProviderNotFoundError
from apis.providers.models import ProviderRegistration
from apis.providers.schemas import InspectProviderRequest, ListProvidersResponse, ProviderHealth, ProviderInfo
from providers.registry import resolve_spec
from providers.resolver import ProviderStack, aget_stack, check_health
from providers.secrets import mask_config


def _config_class(row: ProviderRegistration) -> type | None:
    try:
        return import_string(resolve_spec(row.api, row.provider_type, row.module).config_class)
    except Exception:  # an unresolvable registration: still shown, every encrypted value masked
        return None


async def provider_info(row: ProviderRegistration, stack: ProviderStack) -> ProviderInfo:
    handle = stack.handles.get(row.provider_id)
    if handle is None:
        health = {"status": "Error", "message": "The provider is disabled."}
    else:
        health = await check_health(handle)
    return ProviderInfo(
        api=row.api,
        provider_id=row.provider_id,
        provider_type=row.provider_type,
        config=mask_config(_config_class(row), row.config),
        health=ProviderHealth.model_validate(health),
    )


class ProvidersImpl:
    async def list_providers(self) -> ListProvidersResponse:
        stack = await aget_stack()
        rows = [row async for row in ProviderRegistration.objects.filter(enabled=True)]
        infos = await asyncio.gather(*(provider_info(row, stack) for row in rows))
        return ListProvidersResponse(data=list(infos))

    async def inspect_provider(self, request: InspectProviderRequest) -> ProviderInfo:
        stack = await aget_stack()
        row = await ProviderRegistration.objects.filter(provider_id=request.provider_id).afirst()
        if row is None:
            raise ProviderNotFoundError(request.provider_id)
        return await provider_info(row, stack)
