"""Writes of dataset rows kept in the database: rows appended to a dataset."""

from typing import Any

from django.db import transaction
from django.db.models import Max

from apis.common.errors import DatasetNotFoundError
from apis.datasetio.models import AppendedRow
from apis.datasets.models import RegisteredDataset


@transaction.atomic
def appended_rows_add(*, identifier: str, rows: list[dict[str, Any]]) -> int:
    """Append rows after the dataset's last appended row; concurrent appends queue on the dataset's row lock."""
    dataset = RegisteredDataset.objects.select_for_update().filter(identifier=identifier).first()
    if dataset is None:
        raise DatasetNotFoundError(identifier, param="dataset_id")
    last = AppendedRow.objects.filter(dataset=dataset).aggregate(last=Max("index"))["last"]
    first = 0 if last is None else last + 1
    AppendedRow.objects.bulk_create(
        (AppendedRow(dataset=dataset, index=first + offset, data=row) for offset, row in enumerate(rows)),
        batch_size=500,
    )
    return len(rows)
