"""The `inline::reference` batches provider: the Batches protocol, and the engine its Celery tasks run."""

import asyncio
import logging
from typing import IO, Any

from asgiref.sync import async_to_sync, sync_to_async
from django.db import close_old_connections, connections
from pydantic import ValidationError

from apis.access.identity import AccessContext, acting_as, owner_fields
from apis.access.services import access_for_owner
from apis.batches import selectors, services
from apis.batches.conf import batch_settings
from apis.batches.models import Batch, BatchChunk
from apis.batches.schemas import (
    BatchObject,
    CancelBatchRequest,
    CreateBatchRequest,
    ListBatchesRequest,
    ListBatchesResponse,
    RetrieveBatchRequest,
)
from apis.batches.services import ChunkLease
from apis.common.errors import ModelNotFoundError, StoredFileNotFoundError
from apis.files.protocol import Files
from apis.files.schemas import DeleteFileRequest, RetrieveFileContentRequest, UploadFileRequest
from apis.models.selectors import amodel_route
from providers.inline.batches.reference import finalization
from providers.inline.batches.reference.config import ReferenceBatchesConfig
from providers.inline.batches.reference.execution import Lane
from providers.inline.batches.reference.validation import batch_error, validate_input
from providers.resolver import get_stack

logger = logging.getLogger(__name__)


class ReferenceBatches:
    def __init__(self, config: ReferenceBatchesConfig, *, inference: Any, files: Files) -> None:
        self.config = config
        self.inference = inference
        self.files = files

    async def health(self) -> dict[str, Any]:
        return {"status": "OK"}

    # --- the Batches protocol --------------------------------------------------------------------------

    async def create_batch(self, request: CreateBatchRequest) -> BatchObject:
        row = await sync_to_async(services.batch_create)(
            input_file_id=request.input_file_id,
            endpoint=request.endpoint,
            completion_window=request.completion_window,
            metadata=request.metadata,
            idempotency_key=request.idempotency_key,
            # Who creates the batch owns it; its requests later run with the owner's rights.
            **owner_fields(),
        )
        return selectors.batch_to_schema(row)

    async def list_batches(self, request: ListBatchesRequest) -> ListBatchesResponse:
        rows, has_more = await sync_to_async(selectors.batch_list)(after=request.after, limit=request.limit)
        data = [selectors.batch_to_schema(row) for row in rows]
        return ListBatchesResponse(
            data=data,
            first_id=data[0].id if data else None,
            last_id=data[-1].id if data else None,
            has_more=has_more,
        )

    async def retrieve_batch(self, request: RetrieveBatchRequest) -> BatchObject:
        return selectors.batch_to_schema(await sync_to_async(selectors.batch_get)(batch_id=request.batch_id))

    async def cancel_batch(self, request: CancelBatchRequest) -> BatchObject:
        return selectors.batch_to_schema(await sync_to_async(services.batch_cancel)(batch_id=request.batch_id))

    # --- the engine, run by apis.batches.tasks ---------------------------------------------------------

    def validate(self, *, batch_id: str) -> None:
        """Validate the batch's input and plan its chunks (in_progress), or fail it with every error found."""
        batch = services.batch_stage_begin(batch_id=batch_id, statuses=(Batch.Status.VALIDATING,))
        if batch is None or batch.expired_at is not None:
            return
        with acting_as(_owner_access(batch)):
            self._validate(batch)

    def _validate(self, batch: Batch) -> None:
        batch_id = batch.id
        try:
            content = async_to_sync(self.files.openai_retrieve_file_content)(
                RetrieveFileContentRequest(file_id=batch.input_file_id)
            )
        except (StoredFileNotFoundError, ValidationError):
            error = batch_error(
                "invalid_request", f"Input file '{batch.input_file_id}' not found.", param="input_file_id"
            )
            services.batch_fail_validation(batch_id=batch_id, errors=[error])
            return
        stack = get_stack()

        def provider_of(model: str) -> str | None:
            try:
                return async_to_sync(amodel_route)(model, stack).provider_id
            except ModelNotFoundError:
                return None

        with content.stream as stream:
            validation = validate_input(
                stream, endpoint=batch.endpoint, conf=batch_settings(), lookup_model=provider_of
            )
        if validation.errors:
            services.batch_fail_validation(batch_id=batch_id, errors=validation.errors)
            return
        if services.batch_start(
            batch_id=batch_id, chunks=validation.chunks, model=validation.model, provider_id=validation.provider_id
        ):
            lines = sum(chunk.line_count for chunk in validation.chunks)
            logger.info("Batch %s is in progress: %d requests in %d chunks", batch_id, lines, len(validation.chunks))

    def process_chunk(self, *, chunk_id: int) -> None:
        """Lease the chunk and run its requests (and the batch's next chunks); a duplicate message does nothing."""
        lease = services.chunk_claim(chunk_id=chunk_id)
        if lease is None:
            return
        batch = Batch.objects.only("owner_principal", "owner_attributes").get(id=lease.batch_id)
        with acting_as(_owner_access(batch)):
            asyncio.run(self._run_lane(lease))
        services.batch_after_chunks(batch_id=lease.batch_id)

    async def _run_lane(self, lease: ChunkLease) -> None:
        # The database work of the loop runs in asgiref's one sync thread, whose connections outlive the
        # task: check them before, and close them after (the next task may come much later).
        await sync_to_async(close_old_connections)()
        try:
            conf = batch_settings()
            declared = await sync_to_async(services.declared_concurrency)(lease.provider_id)
            lane = Lane(
                inference=self.inference,
                read_range=self._aread_range,
                conf=conf,
                provider_limit=conf.provider_limit(lease.provider_id, declared),
            )
            await lane.run(lease)
        finally:
            await sync_to_async(connections.close_all)()

    async def _aread_range(self, lease: ChunkLease) -> bytes:
        content = await self.files.openai_retrieve_file_content(RetrieveFileContentRequest(file_id=lease.input_file_id))
        return await sync_to_async(_read_range, thread_sensitive=False)(
            content.stream, lease.byte_start, lease.byte_end
        )

    def finalize(self, *, batch_id: str) -> None:
        """Write the result files (owned by the batch's owner) and move the batch to its final status."""
        batch = Batch.objects.only("owner_principal", "owner_attributes").filter(id=batch_id).first()
        if batch is None:
            return
        with acting_as(_owner_access(batch)):
            self._finalize(batch_id)

    def _finalize(self, batch_id: str) -> None:
        finalization.finalize(
            batch_id=batch_id,
            conf=batch_settings(),
            read_range=self._read_chunk,
            upload=self._upload,
            delete=self._delete,
        )

    def _read_chunk(self, batch: Batch, chunk: BatchChunk) -> bytes:
        content = async_to_sync(self.files.openai_retrieve_file_content)(
            RetrieveFileContentRequest(file_id=batch.input_file_id)
        )
        return _read_range(content.stream, chunk.byte_start, chunk.byte_end)

    def _upload(self, stream: IO[bytes], filename: str) -> str:
        upload = UploadFileRequest(file=stream, filename=filename, purpose="batch_output")
        return async_to_sync(self.files.openai_upload_file)(upload).id

    def _delete(self, file_id: str) -> None:
        async_to_sync(self.files.openai_delete_file)(DeleteFileRequest(file_id=file_id))


def _owner_access(batch: Batch) -> AccessContext | None:
    return access_for_owner(owner_principal=batch.owner_principal, owner_attributes=batch.owner_attributes)


def _read_range(stream: IO[bytes], start: int, end: int) -> bytes:
    with stream:
        stream.seek(start)
        return stream.read(end - start)
