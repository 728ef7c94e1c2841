"""The dataset routing table, and the one mapping of its rows to the API's `Dataset`."""

from pydantic import TypeAdapter

from apis.common.errors import DatasetNotFoundError
from apis.common.routing_table import RoutingTable
from apis.datasets.models import RegisteredDataset
from apis.datasets.schemas import Dataset, DataSource
from providers.spec import Api

SOURCE: TypeAdapter[DataSource] = TypeAdapter(DataSource)


def dataset_to_schema(row: RegisteredDataset) -> Dataset:
    return Dataset(
        identifier=row.identifier,
        provider_resource_id=row.provider_resource_id,
        provider_id=row.provider_id,
        purpose=row.purpose,  # type: ignore[arg-type]
        source=SOURCE.validate_python(row.data_source),
        metadata=row.metadata,
    )


DATASETS: RoutingTable[RegisteredDataset, Dataset] = RoutingTable(
    model=RegisteredDataset,
    resource_type="dataset",
    provider_api=Api.datasetio,
    not_found=DatasetNotFoundError,
    to_schema=dataset_to_schema,
    id_param="dataset_id",
    provider_resource_param="provider_dataset_id",
)
