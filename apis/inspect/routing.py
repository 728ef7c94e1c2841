"""The inspect API over the assembled NinjaAPI and the registrations."""

import re

from django.conf import settings

from apis.inspect.schemas import HealthInfo, ListRoutesRequest, ListRoutesResponse, RouteInfo, VersionInfo
from apis.providers.models import ProviderRegistration

PATH_CONVERTER = re.compile(r"\{\w+:(\w+)\}")


class InspectImpl:
    async def list_routes(self, request: ListRoutesRequest) -> ListRoutesResponse:
        from stackproject.api import api

        types_by_api: dict[str, set[str]] = {}
        async for api_name, provider_type in ProviderRegistration.objects.filter(enabled=True).values_list(
            "api", "provider_type"
        ):
            types_by_api.setdefault(api_name, set()).add(provider_type)
        routes = []
        for mount in api.mounts:
            provider_types = sorted(set().union(*(types_by_api.get(name, set()) for name in mount.provider_apis)))
            for path, path_view in mount.router.path_operations.items():
                for operation in path_view.operations:
                    deprecated = bool(mount.deprecated or operation.deprecated)
                    if request.api_filter == "deprecated" and not deprecated:
                        continue
                    if request.api_filter != "deprecated" and deprecated:
                        continue
                    if request.api_filter in ("v1", "v1alpha", "v1beta") and mount.level != request.api_filter:
                        continue
                    for method in operation.methods:
                        routes.append(
                            RouteInfo(
                                route=mount.prefix + PATH_CONVERTER.sub(r"{\1}", path),
                                method=method,
                                provider_types=provider_types,
                                level=mount.level,
                                deprecated=deprecated,
                            )
                        )
        return ListRoutesResponse(data=routes)

    async def health(self) -> HealthInfo:
        return HealthInfo(status="OK")

    async def version(self) -> VersionInfo:
        return VersionInfo(version=settings.STACK_VERSION)
