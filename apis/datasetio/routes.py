"""Routes of the datasetio API. Dataset ids may contain '/', hence the `path` converter."""

from django.http import HttpRequest
from ninja import Path, Query, Router

from apis.datasetio.protocol import DatasetIO
from apis.datasetio.schemas import (
    AppendRowsBody,
    AppendRowsRequest,
    AppendRowsResponse,
    IterRowsQuery,
    IterRowsRequest,
    IterRowsResponse,
)
from apis.datasets.schemas import GetDatasetRequest


def create_router(impl: DatasetIO) -> Router:
    router = Router(tags=["DatasetIO"])

    @router.get("/datasetio/iterrows/{path:dataset_id}", response=IterRowsResponse, summary="Read a page of rows")
    async def iterrows(
        request: HttpRequest, path: Path[GetDatasetRequest], query: Query[IterRowsQuery]
    ) -> IterRowsResponse:
        return await impl.iterrows(IterRowsRequest(dataset_id=path.dataset_id, **query.model_dump()))

    @router.post(
        "/datasetio/append-rows/{path:dataset_id}", response=AppendRowsResponse, summary="Append rows to a dataset"
    )
    async def append_rows(
        request: HttpRequest, path: Path[GetDatasetRequest], body: AppendRowsBody
    ) -> AppendRowsResponse:
        return await impl.append_rows(AppendRowsRequest(dataset_id=path.dataset_id, rows=body.rows))

    return router
