"""The datasets API, as the routes call it."""

from typing import Protocol

from apis.datasets.schemas import (
    Dataset,
    DatasetDeleted,
    GetDatasetRequest,
    ListDatasetsResponse,
    RegisterDatasetRequest,
    UnregisterDatasetRequest,
)


class Datasets(Protocol):
    async def list_datasets(self) -> ListDatasetsResponse: ...

    async def get_dataset(self, request: GetDatasetRequest) -> Dataset: ...

    async def register_dataset(self, request: RegisterDatasetRequest) -> Dataset: ...

    async def unregister_dataset(self, request: UnregisterDatasetRequest) -> DatasetDeleted: ...
