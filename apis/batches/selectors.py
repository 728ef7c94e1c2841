"""Reads of batches, and the one mapping from a batch row to the API's batch object."""

from collections.abc import Iterator
from datetime import datetime
from itertools import islice

from django.db.models import Q

from apis.access.guards import ensure, readable
from apis.batches.models import Batch, BatchChunk, BatchResult
from apis.batches.schemas import (
    BatchError,
    BatchErrors,
    BatchObject,
    BatchRequestCounts,
    BatchUsage,
    InputTokensDetails,
    OutputTokensDetails,
)
from apis.common.errors import BatchNotFoundError


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def batch_to_schema(row: Batch) -> BatchObject:
    return BatchObject(
        id=row.id,
        endpoint=row.endpoint,
        model=row.model,
        errors=BatchErrors(data=[BatchError.model_validate(error) for error in row.errors]) if row.errors else None,
        input_file_id=row.input_file_id,
        completion_window=row.completion_window,
        status=row.status,  # type: ignore[arg-type]
        output_file_id=row.output_file_id,
        error_file_id=row.error_file_id,
        created_at=int(row.created_at.timestamp()),
        in_progress_at=_timestamp(row.in_progress_at),
        expires_at=_timestamp(row.expires_at),
        finalizing_at=_timestamp(row.finalizing_at),
        completed_at=_timestamp(row.completed_at),
        failed_at=_timestamp(row.failed_at),
        # Set internally when the window passes; shown once the batch is expired.
        expired_at=_timestamp(row.expired_at) if row.status == Batch.Status.EXPIRED else None,
        cancelling_at=_timestamp(row.cancelling_at),
        cancelled_at=_timestamp(row.cancelled_at),
        request_counts=BatchRequestCounts(
            total=row.request_total, completed=row.request_completed, failed=row.request_failed
        ),
        metadata=row.metadata,
        usage=BatchUsage(
            input_tokens=row.input_tokens,
            input_tokens_details=InputTokensDetails(cached_tokens=row.cached_tokens),
            output_tokens=row.output_tokens,
            output_tokens_details=OutputTokensDetails(reasoning_tokens=row.reasoning_tokens),
            total_tokens=row.total_tokens,
        ),
    )


def batch_get(*, batch_id: str) -> Batch:
    """The batch, if the caller may read it."""
    row = Batch.objects.filter(id=batch_id).first()
    if row is None:
        raise BatchNotFoundError(batch_id)
    ensure("batch", row, "read", BatchNotFoundError(batch_id))
    return row


def batch_list(*, after: str | None, limit: int) -> tuple[list[Batch], bool]:
    """One page of batches, newest first, and whether more follow."""
    rows = Batch.objects.all()
    if after is not None:
        cursor = Batch.objects.filter(id=after).values_list("created_at", flat=True).first()
        if cursor is None:
            raise BatchNotFoundError(after, param="after")
        rows = rows.filter(Q(created_at__lt=cursor) | Q(created_at=cursor, id__lt=after))
    rows = rows.order_by("-created_at", "-id").iterator(chunk_size=max(limit + 1, 100))
    page = list(islice(readable("batch", rows), limit + 1))
    return page[:limit], len(page) > limit


def batch_recorded_lines(*, batch_id: str, first_line: int, last_line: int) -> set[int]:
    """The lines of a range that already have their result."""
    return set(
        BatchResult.objects.filter(batch_id=batch_id, line__range=(first_line, last_line)).values_list(
            "line", flat=True
        )
    )


def batch_unfinished_chunks(*, batch_id: str) -> list[BatchChunk]:
    """Chunks with lines that have no result yet (at most a few hundred rows per batch)."""
    return list(BatchChunk.objects.filter(batch_id=batch_id).exclude(status=BatchChunk.Status.DONE).order_by("index"))


def batch_results_in_order(*, batch_id: str, chunk_size: int = 2000) -> Iterator[tuple[bool, str]]:
    """(succeeded, payload) of every result by line, streamed from the database in slices."""
    return (
        BatchResult.objects.filter(batch_id=batch_id)
        .order_by("line")
        .values_list("succeeded", "payload")
        .iterator(chunk_size=chunk_size)
    )
