"""The Batches API as the routes call it: every call goes to the one registered batches provider."""

from apis.batches.protocol import Batches
from apis.batches.schemas import (
    BatchObject,
    CancelBatchRequest,
    CreateBatchRequest,
    ListBatchesRequest,
    ListBatchesResponse,
    RetrieveBatchRequest,
)
from providers.resolver import aget_stack


async def _provider() -> Batches:
    return (await aget_stack()).only("batches").impl


class BatchesRouter:
    async def create_batch(self, request: CreateBatchRequest) -> BatchObject:
        return await (await _provider()).create_batch(request)

    async def list_batches(self, request: ListBatchesRequest) -> ListBatchesResponse:
        return await (await _provider()).list_batches(request)

    async def retrieve_batch(self, request: RetrieveBatchRequest) -> BatchObject:
        return await (await _provider()).retrieve_batch(request)

    async def cancel_batch(self, request: CancelBatchRequest) -> BatchObject:
        return await (await _provider()).cancel_batch(request)
