"""The datasets API over the dataset routing table."""

from asgiref.sync import sync_to_async

from apis.datasets.schemas import (
    Dataset,
    DatasetDeleted,
    GetDatasetRequest,
    ListDatasetsResponse,
    RegisterDatasetRequest,
    UnregisterDatasetRequest,
)
from apis.datasets.services import dataset_register, dataset_unregister
from apis.datasets.table import DATASETS, dataset_to_schema


class DatasetsRoutingTable:
    async def list_datasets(self) -> ListDatasetsResponse:
        return ListDatasetsResponse(data=[dataset_to_schema(row) for row in await DATASETS.alist_rows()])

    async def get_dataset(self, request: GetDatasetRequest) -> Dataset:
        return dataset_to_schema(await DATASETS.aget(request.dataset_id))

    async def register_dataset(self, request: RegisterDatasetRequest) -> Dataset:
        row = await sync_to_async(dataset_register)(
            purpose=request.purpose,
            source=request.source,
            metadata=request.metadata,
            dataset_id=request.dataset_id,
            provider_id=request.provider_id,
        )
        return dataset_to_schema(row)

    async def unregister_dataset(self, request: UnregisterDatasetRequest) -> DatasetDeleted:
        await sync_to_async(dataset_unregister)(identifier=request.dataset_id)
        return DatasetDeleted(identifier=request.dataset_id)
