"""The datasetio API (what the routes call) and what a datasetio provider implements."""

from typing import Any, Protocol

from apis.datasetio.schemas import AppendRowsRequest, AppendRowsResponse, IterRowsRequest, IterRowsResponse
from apis.datasets.schemas import Dataset, DataSource


class DatasetIO(Protocol):
    async def iterrows(self, request: IterRowsRequest) -> IterRowsResponse: ...

    async def append_rows(self, request: AppendRowsRequest) -> AppendRowsResponse: ...


class DatasetIOProvider(Protocol):
    """Serves the rows of the datasets registered with it.

    A provider may also have `async register_dataset(dataset)` and `async unregister_dataset(dataset)`
    (see apis.common.routing_table: called again by each process, so idempotent).
    """

    def supports_source(self, source: DataSource) -> bool:
        """Whether the provider can read this source (no I/O): how a dataset's provider is inferred."""
        ...

    async def check_source(self, source: DataSource) -> None:
        """Refuse, with a BadRequestError, a source the caller cannot use (a file they may not read, a path
        outside the allowed directories, an unreadable data URI). Called once, when a person registers."""
        ...

    async def iterrows(self, dataset: Dataset, start_index: int, limit: int) -> IterRowsResponse:
        """Rows [start_index, start_index + limit) of the dataset, reading no further than needed."""
        ...

    async def append_rows(self, dataset: Dataset, rows: list[dict[str, Any]]) -> int:
        """Add rows after the last one; returns how many were added."""
        ...
