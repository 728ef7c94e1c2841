"""Finalization: the result rows, streamed by line from the database, become the output and error files.

For a cancelled or expired batch, the workers are first given a moment to record what they finished,
then their chunks are taken away and every line without a result is recorded as failed (code
`batch_cancelled` or `batch_expired`), so that every custom_id lands in exactly one of the two files.
"""

import tempfile
import time
from collections.abc import Callable
from typing import IO, Any

from apis.batches import selectors, services
from apis.batches.conf import BatchSettings
from apis.batches.models import Batch, BatchChunk
from providers.inline.batches.reference.execution import custom_id_of, input_lines, result_line

UNFINISHED = {
    Batch.Status.CANCELLED: ("batch_cancelled", "This request was not processed: the batch was cancelled."),
    Batch.Status.EXPIRED: ("batch_expired", "This request was not processed before the batch expired."),
}


def wait_for_workers(*, batch_id: str, conf: BatchSettings) -> None:
    """Let the chunk tasks notice the stop and record their finished results (at most one lease long)."""
    deadline = time.monotonic() + conf.lease_seconds
    while services.batch_chunks_held(batch_id=batch_id) and time.monotonic() < deadline:
        time.sleep(min(0.2, conf.flush_seconds))


def record_unfinished(*, batch: Batch, ending: str, read_range: Callable[[BatchChunk], bytes]) -> int:
    code, message = UNFINISHED[ending]
    recorded = 0
    for chunk in selectors.batch_unfinished_chunks(batch_id=batch.id):
        rows = [
            (number, result_line(custom_id_of(raw), error={"code": code, "message": message}))
            for number, raw in input_lines(read_range(chunk), chunk.first_line)
        ]
        recorded += services.batch_record_unfinished(chunk_id=chunk.id, rows=rows)
    return recorded


def write_result_files(*, batch_id: str, output: IO[bytes], errors: IO[bytes]) -> None:
    """Every result line into the output or the error file, in input order; memory stays flat."""
    for succeeded, payload in selectors.batch_results_in_order(batch_id=batch_id):
        (output if succeeded else errors).write(payload.encode() + b"\n")
    output.seek(0)
    errors.seek(0)


def finalize(
    *,
    batch_id: str,
    conf: BatchSettings,
    read_range: Callable[[Batch, BatchChunk], bytes],
    upload: Callable[[IO[bytes], str], str],
    delete: Callable[[str], Any],
) -> None:
    """Finish a batch that is finalizing, cancelling or past its window; a repeated call changes nothing."""
    current = Batch.objects.filter(id=batch_id).first()
    if current is None or services.batch_finalizing_ending(current) is None:
        return
    batch = services.batch_stage_begin(batch_id=batch_id, statuses=(current.status,))
    if batch is None:
        return
    ending = services.batch_finalizing_ending(batch)
    if ending is None:
        return
    if ending != Batch.Status.COMPLETED:
        wait_for_workers(batch_id=batch_id, conf=conf)
        services.batch_stop_chunks(batch_id=batch_id)
    planned = batch.in_progress_at is not None
    if planned and batch.output_file_id is None:
        if ending != Batch.Status.COMPLETED:
            record_unfinished(batch=batch, ending=ending, read_range=lambda chunk: read_range(batch, chunk))
        with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
            write_result_files(batch_id=batch_id, output=output, errors=errors)
            output_file_id = upload(output, f"{batch_id}_output.jsonl")
            error_file_id = upload(errors, f"{batch_id}_error.jsonl")
        if not services.batch_attach_files(
            batch_id=batch_id, output_file_id=output_file_id, error_file_id=error_file_id
        ):
            delete(output_file_id)
            delete(error_file_id)
    services.batch_finish(batch_id=batch_id, from_status=batch.status, to_status=ending)
