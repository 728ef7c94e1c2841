"""The inspect API, as the routes call it."""

from typing import Protocol

from apis.inspect.schemas import HealthInfo, ListRoutesRequest, ListRoutesResponse, VersionInfo


class Inspect(Protocol):
    async def list_routes(self, request: ListRoutesRequest) -> ListRoutesResponse: ...

    async def health(self) -> HealthInfo: ...

    async def version(self) -> VersionInfo: ...
