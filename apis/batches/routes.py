"""Routes of the Batches API."""

from django.http import HttpRequest
from ninja import Path, Query, Router

from apis.batches.protocol import Batches
from apis.batches.schemas import (
    BatchObject,
    CancelBatchRequest,
    CreateBatchRequest,
    ListBatchesRequest,
    ListBatchesResponse,
    RetrieveBatchRequest,
)


def create_router(impl: Batches) -> Router:
    router = Router(tags=["Batches"])

    @router.post("/batches", response=BatchObject, summary="Create a batch from an uploaded JSONL file")
    async def create_batch(request: HttpRequest, body: CreateBatchRequest) -> BatchObject:
        return await impl.create_batch(body)

    @router.get("/batches", response=ListBatchesResponse, summary="List batches, newest first")
    async def list_batches(request: HttpRequest, params: Query[ListBatchesRequest]) -> ListBatchesResponse:
        return await impl.list_batches(params)

    @router.get("/batches/{batch_id}", response=BatchObject, summary="Get a batch")
    async def retrieve_batch(request: HttpRequest, params: Path[RetrieveBatchRequest]) -> BatchObject:
        return await impl.retrieve_batch(params)

    @router.post("/batches/{batch_id}/cancel", response=BatchObject, summary="Cancel a batch")
    async def cancel_batch(request: HttpRequest, params: Path[CancelBatchRequest]) -> BatchObject:
        return await impl.cancel_batch(params)

    return router
