"""The Batches API, as the routes call it and as a batches provider implements it."""

from typing import Protocol

from apis.batches.schemas import (
    BatchObject,
    CancelBatchRequest,
    CreateBatchRequest,
    ListBatchesRequest,
    ListBatchesResponse,
    RetrieveBatchRequest,
)


class Batches(Protocol):
    async def create_batch(self, request: CreateBatchRequest) -> BatchObject: ...

    async def list_batches(self, request: ListBatchesRequest) -> ListBatchesResponse: ...

    async def retrieve_batch(self, request: RetrieveBatchRequest) -> BatchObject: ...

    async def cancel_batch(self, request: CancelBatchRequest) -> BatchObject: ...
