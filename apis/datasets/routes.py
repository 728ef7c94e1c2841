"""Routes of the datasets API. Dataset ids may contain '/', hence the `path` converter."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.datasets.protocol import Datasets
from apis.datasets.schemas import (
    Dataset,
    DatasetDeleted,
    GetDatasetRequest,
    ListDatasetsResponse,
    RegisterDatasetRequest,
    UnregisterDatasetRequest,
)


def create_router(impl: Datasets) -> Router:
    router = Router(tags=["Datasets"])

    @router.get("/datasets", response=ListDatasetsResponse, summary="List datasets")
    async def list_datasets(request: HttpRequest) -> ListDatasetsResponse:
        return await impl.list_datasets()

    @router.get("/datasets/{path:dataset_id}", response=Dataset, summary="Get a dataset")
    async def get_dataset(request: HttpRequest, params: Path[GetDatasetRequest]) -> Dataset:
        return await impl.get_dataset(params)

    @router.post("/datasets", response=Dataset, summary="Register a dataset")
    async def register_dataset(request: HttpRequest, body: RegisterDatasetRequest) -> Dataset:
        return await impl.register_dataset(body)

    @router.delete("/datasets/{path:dataset_id}", response=DatasetDeleted, summary="Unregister a dataset")
    async def unregister_dataset(request: HttpRequest, params: Path[UnregisterDatasetRequest]) -> DatasetDeleted:
        return await impl.unregister_dataset(params)

    return router
