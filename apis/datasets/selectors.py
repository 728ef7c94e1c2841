"""Reads of the dataset routing table: config export and the admin's row preview."""

from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync

from apis.common.errors import StackError
from apis.datasetio.protocol import DatasetIOProvider
from apis.datasets.models import RegisteredDataset
from apis.datasets.table import DATASETS


def dataset_config_entry(row: RegisteredDataset) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "dataset_id": row.identifier,
        "provider_id": row.provider_id,
        "purpose": row.purpose,
        "source": row.data_source,
    }
    if row.metadata:
        entry["metadata"] = row.metadata
    return entry


def datasets_export_config() -> list[dict[str, Any]]:
    """The datasets people and the config registered, as `registered_resources.datasets` entries."""
    return DATASETS.export_config(dataset_config_entry)


@dataclass(frozen=True)
class RowPreview:
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    has_more: bool = False
    error: str = ""


def dataset_preview(*, identifier: str, limit: int = 20) -> RowPreview:
    """The first rows of a dataset as its provider serves them, or why they cannot be read."""

    async def first_rows() -> RowPreview:
        route = await DATASETS.aroute(identifier)
        provider: DatasetIOProvider = route.provider
        page = await provider.iterrows(route.resource, 0, limit)
        columns: list[str] = []
        for row in page.data:
            columns.extend(name for name in row if name not in columns)
        return RowPreview(columns=columns, rows=page.data, has_more=page.has_more)

    try:
        return async_to_sync(first_rows)()
    except StackError as exc:
        return RowPreview(error=exc.message)
