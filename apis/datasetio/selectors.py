"""Reads of dataset rows kept in the database."""

from typing import Any

from apis.datasetio.models import AppendedRow


def appended_rows_page(*, identifier: str, offset: int, count: int) -> list[dict[str, Any]]:
    """Appended rows [offset, offset + count) of the dataset, in order."""
    if count <= 0:
        return []
    rows = AppendedRow.objects.filter(dataset__identifier=identifier, index__gte=offset).order_by("index")
    return list(rows.values_list("data", flat=True)[:count])
