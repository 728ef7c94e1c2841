"""The datasetio API: routes each request to the provider serving its dataset, one bounded page at a time."""

from typing import Any

from django.conf import settings

from apis.datasetio.protocol import DatasetIO, DatasetIOProvider
from apis.datasetio.schemas import AppendRowsRequest, AppendRowsResponse, IterRowsRequest, IterRowsResponse
from apis.datasets.table import DATASETS


def page_size() -> int:
    return int(settings.STACK_DATASETIO_PAGE_SIZE)


class DatasetIORouter:
    async def iterrows(self, request: IterRowsRequest) -> IterRowsResponse:
        route = await DATASETS.aroute(request.dataset_id, param="dataset_id")
        provider: DatasetIOProvider = route.provider
        limit = page_size() if request.limit in (None, -1) else min(request.limit, page_size())
        return await provider.iterrows(route.resource, request.start_index or 0, limit)

    async def append_rows(self, request: AppendRowsRequest) -> AppendRowsResponse:
        route = await DATASETS.aroute(request.dataset_id, action="update", param="dataset_id")
        provider: DatasetIOProvider = route.provider
        appended = await provider.append_rows(route.resource, request.rows)
        return AppendRowsResponse(dataset_id=request.dataset_id, appended=appended)


async def adataset_rows(datasetio: DatasetIO, dataset_id: str, *, limit: int) -> list[dict[str, Any]]:
    """The dataset's first `limit` rows (fewer when it has fewer), read page by page as the caller."""
    rows: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None and len(rows) < limit:
        request = IterRowsRequest(dataset_id=dataset_id, start_index=start, limit=min(limit - len(rows), page_size()))
        page = await datasetio.iterrows(request)
        rows.extend(page.data)
        start = page.next_start_index
    return rows
