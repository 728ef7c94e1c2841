"""Writes of batches: create and cancel, and every state change of the engine, each guarded in the database.

A status only moves through a conditional UPDATE (`... WHERE status IN (...)`) or under a row lock
taken with select_for_update, so concurrent workers, web processes and the maintenance sweep agree on
one outcome on SQLite and PostgreSQL alike. Celery tasks are sent by name once the transaction commits.
"""

import hashlib
import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from apis.access.guards import ensure, ensure_create
from apis.batches.conf import batch_settings
from apis.batches.models import Batch, BatchChunk, BatchResult
from apis.batches.schemas import SUPPORTED_ENDPOINTS
from apis.batches.selectors import batch_get, batch_recorded_lines
from apis.common.errors import BadRequestError, BatchNotFoundError, ConflictError
from providers.resolver import get_stack
from stackproject import celery as celery_module
from stackproject.celery import app
from stackproject.observability import BATCH_LINES

logger = logging.getLogger(__name__)

COMPLETION_WINDOWS = {"24h": timedelta(hours=24)}
ACTIVE_CHUNK = (BatchChunk.Status.QUEUED, BatchChunk.Status.RUNNING)

VALIDATE_TASK = "batches.validate"
FINALIZE_TASK = "batches.finalize"
CHUNK_TASK = "batches.process_chunk"


def send_on_commit(task: str, *args: Any) -> None:
    """Send a task (by name, routed by CELERY_TASK_ROUTES) once the current transaction commits, so the
    worker sees what was written."""
    transaction.on_commit(lambda: app.signature(task, args=list(args)).apply_async())


def batch_id_for_key(idempotency_key: str, owner_principal: str = "") -> str:
    """The id of the batch an idempotency key names; keys are scoped to their owner."""
    scoped = f"{owner_principal}\n{idempotency_key}" if owner_principal else idempotency_key
    return "batch_" + hashlib.sha256(scoped.encode()).hexdigest()[:32]


def _same_request(batch: Batch, **params: Any) -> bool:
    stored = {
        "input_file_id": batch.input_file_id,
        "endpoint": batch.endpoint,
        "completion_window": batch.completion_window,
        "metadata": batch.metadata or None,
    }
    return stored == {**params, "metadata": params["metadata"] or None}


def batch_create(
    *,
    input_file_id: str,
    endpoint: str,
    completion_window: str,
    metadata: dict[str, str] | None = None,
    idempotency_key: str | None = None,
    owner_principal: str = "",
    owner_attributes: dict[str, Any] | None = None,
) -> Batch:
    """Store a new batch (validating) and send its validation; with an idempotency key, at most once."""
    if endpoint not in SUPPORTED_ENDPOINTS:
        raise BadRequestError(
            f"Invalid endpoint: {endpoint}. Supported values: {', '.join(SUPPORTED_ENDPOINTS)}. "
            "Code: invalid_value. Param: endpoint",
            code="invalid_value",
            param="endpoint",
        )
    now = timezone.now()
    batch_id = (
        batch_id_for_key(idempotency_key, owner_principal) if idempotency_key else f"batch_{secrets.token_hex(16)}"
    )
    ensure_create("batch", batch_id)
    params = {
        "input_file_id": input_file_id,
        "endpoint": endpoint,
        "completion_window": completion_window,
        "metadata": metadata,
    }
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                id=batch_id,
                idempotency_key=idempotency_key,
                created_at=now,
                expires_at=now + COMPLETION_WINDOWS[completion_window],
                stage_sent_at=now,
                owner_principal=owner_principal,
                owner_attributes=owner_attributes or {},
                **params,
            )
            send_on_commit(VALIDATE_TASK, batch.id)
            return batch
    except IntegrityError:
        # The key was used before (or is being used right now by a concurrent request that committed first).
        if not idempotency_key:
            raise
    existing = batch_get(batch_id=batch_id)
    if not _same_request(existing, **params):
        raise ConflictError(
            f"Idempotency key '{idempotency_key}' was previously used with different parameters. Either use a "
            "new idempotency key or ensure all parameters match the original request.",
            code="conflict",
            param="idempotency_key",
        )
    return existing


@transaction.atomic
def batch_cancel(*, batch_id: str) -> Batch:
    """Any batch not yet finished moves to cancelling; finalization then reports the unfinished lines."""
    batch = Batch.objects.select_for_update().filter(id=batch_id).first()
    if batch is None:
        raise BatchNotFoundError(batch_id)
    ensure("batch", batch, "update", BatchNotFoundError(batch_id))
    if batch.status in (Batch.Status.CANCELLING, Batch.Status.CANCELLED):
        return batch
    if batch.status in Batch.TERMINAL:
        raise ConflictError(f"Cannot cancel batch '{batch_id}' with status '{batch.status}'", code="conflict")
    now = timezone.now()
    batch.status, batch.cancelling_at = Batch.Status.CANCELLING, now
    batch.stage_sent_at, batch.stage_attempts = now, 0
    batch.save(update_fields=["status", "cancelling_at", "stage_sent_at", "stage_attempts"])
    send_on_commit(FINALIZE_TASK, batch.id)
    return batch


# --- stages: validation and finalization ---------------------------------------------------------------


def batch_stage_begin(*, batch_id: str, statuses: tuple[str, ...]) -> Batch | None:
    """Count an attempt at the batch's current stage; None when the batch is no longer in one of `statuses`.

    A stage attempted more than STACK_BATCH_MAX_ATTEMPTS times fails the batch, so that a request that
    crashes every worker cannot keep a batch in validating or finalizing forever.
    """
    conf = batch_settings()
    with transaction.atomic():
        batch = Batch.objects.select_for_update().filter(id=batch_id, status__in=statuses).first()
        if batch is None:
            return None
        batch.stage_attempts += 1
        batch.save(update_fields=["stage_attempts"])
        if batch.stage_attempts <= conf.max_attempts:
            return batch
        now = timezone.now()
        Batch.objects.filter(id=batch_id).update(
            status=Batch.Status.FAILED,
            failed_at=now,
            errors=[
                {
                    "code": "internal_error",
                    "message": f"The batch could not be processed: {batch.status} failed {conf.max_attempts} times.",
                    "param": None,
                    "line": None,
                }
            ],
        )
        BatchChunk.objects.filter(batch_id=batch_id).exclude(status=BatchChunk.Status.DONE).update(
            status=BatchChunk.Status.STOPPED, lease_token=""
        )
    logger.error("Batch %s failed: its %s stage failed %d times", batch_id, batch.status, conf.max_attempts)
    return None


def batch_fail_validation(*, batch_id: str, errors: list[dict[str, Any]]) -> bool:
    now = timezone.now()
    return bool(
        Batch.objects.filter(id=batch_id, status=Batch.Status.VALIDATING).update(
            status=Batch.Status.FAILED, failed_at=now, errors=errors
        )
    )


@dataclass(frozen=True)
class ChunkPlan:
    index: int
    first_line: int
    last_line: int
    byte_start: int
    byte_end: int
    line_count: int


def batch_start(*, batch_id: str, chunks: list[ChunkPlan], model: str | None, provider_id: str) -> bool:
    """Store the plan of a validated batch and move it to in_progress; False when it is no longer validating."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().filter(id=batch_id, status=Batch.Status.VALIDATING).first()
        if batch is None:
            return False
        BatchChunk.objects.filter(batch_id=batch_id).delete()
        BatchChunk.objects.bulk_create(
            BatchChunk(
                batch_id=batch_id,
                index=plan.index,
                first_line=plan.first_line,
                last_line=plan.last_line,
                byte_start=plan.byte_start,
                byte_end=plan.byte_end,
                line_count=plan.line_count,
            )
            for plan in chunks
        )
        batch.status, batch.in_progress_at = Batch.Status.IN_PROGRESS, timezone.now()
        batch.request_total = sum(plan.line_count for plan in chunks)
        batch.model, batch.provider_id = model, provider_id
        batch.stage_attempts = 0
        batch.save(
            update_fields=["status", "in_progress_at", "request_total", "model", "provider_id", "stage_attempts"]
        )
        batch_dispatch(batch_id=batch_id)
    return True


def batch_finalizing_ending(batch: Batch) -> str | None:
    """The terminal status that finalizing this batch leads to, or None when it is not to be finalized."""
    if batch.status == Batch.Status.FINALIZING:
        return Batch.Status.COMPLETED
    if batch.status == Batch.Status.CANCELLING:
        return Batch.Status.CANCELLED
    if batch.status in (Batch.Status.IN_PROGRESS, Batch.Status.VALIDATING) and batch.expired_at is not None:
        return Batch.Status.EXPIRED
    return None


def batch_stop_chunks(*, batch_id: str) -> None:
    """Take every unfinished chunk away from its worker: a worker still running finds its token gone and stops."""
    BatchChunk.objects.filter(batch_id=batch_id).exclude(status=BatchChunk.Status.DONE).update(
        status=BatchChunk.Status.STOPPED, lease_token="", leased_until=None
    )


@transaction.atomic
def batch_record_unfinished(*, chunk_id: int, rows: list[tuple[int, str]]) -> int:
    """Record the lines of a stopped chunk that have no result as failed; returns how many were recorded."""
    chunk = BatchChunk.objects.select_for_update().get(id=chunk_id)
    if chunk.status == BatchChunk.Status.DONE:
        return 0
    present = batch_recorded_lines(batch_id=chunk.batch_id, first_line=chunk.first_line, last_line=chunk.last_line)
    missing = [
        BatchResult(batch_id=chunk.batch_id, line=line, succeeded=False, payload=payload)
        for line, payload in rows
        if line not in present
    ]
    BatchResult.objects.bulk_create(missing)
    chunk.status, chunk.lease_token = BatchChunk.Status.DONE, ""
    chunk.recorded = F("recorded") + len(missing)
    chunk.save(update_fields=["status", "lease_token", "recorded"])
    Batch.objects.filter(id=chunk.batch_id).update(request_failed=F("request_failed") + len(missing))
    return len(missing)


def batch_attach_files(*, batch_id: str, output_file_id: str, error_file_id: str) -> bool:
    """Record the result files; False when another finalization recorded its own first."""
    return bool(
        Batch.objects.filter(id=batch_id, output_file_id__isnull=True).update(
            output_file_id=output_file_id, error_file_id=error_file_id
        )
    )


def batch_finish(*, batch_id: str, from_status: str, to_status: str) -> bool:
    now = timezone.now()
    stamps = {
        Batch.Status.COMPLETED: "completed_at",
        Batch.Status.CANCELLED: "cancelled_at",
        Batch.Status.EXPIRED: "expired_at",
    }
    changes: dict[str, Any] = {"status": to_status}
    if to_status != Batch.Status.EXPIRED:  # expired_at was set when the window passed
        changes[stamps[to_status]] = now
    return bool(Batch.objects.filter(id=batch_id, status=from_status).update(**changes))


# --- chunks: dispatch, leases, results ------------------------------------------------------------------


def declared_concurrency(provider_id: str) -> int | None:
    """How many requests at once the provider says it takes (a local model: few), if it says."""
    handle = get_stack().handles.get(provider_id)
    declared = getattr(handle.impl, "max_concurrent_requests", None) if handle is not None else None
    return declared if isinstance(declared, int) and declared > 0 else None


def batch_dispatch(*, batch_id: str) -> int:
    """Send tasks for pending chunks while the batch and its provider have room; returns how many were sent.

    Room: STACK_BATCH_CONCURRENCY requests per batch (so that many chunk tasks of
    STACK_BATCH_CHUNK_CONCURRENCY requests each) and the provider's bound over all its batches.
    """
    conf = batch_settings()
    with transaction.atomic():
        batch = (
            Batch.objects.select_for_update()
            .filter(id=batch_id, status=Batch.Status.IN_PROGRESS, expired_at__isnull=True)
            .first()
        )
        if batch is None:
            return 0
        slots = conf.chunks_in_flight - batch.chunks.filter(status__in=ACTIVE_CHUNK).count()
        if batch.provider_id:
            limit = conf.provider_limit(batch.provider_id, declared_concurrency(batch.provider_id))
            provider_chunks = max(1, limit // conf.requests_per_chunk)
            busy = BatchChunk.objects.filter(
                status__in=ACTIVE_CHUNK, batch__provider_id=batch.provider_id, batch__status=Batch.Status.IN_PROGRESS
            ).count()
            slots = min(slots, provider_chunks - busy)
        if slots <= 0:
            return 0
        chosen = list(
            batch.chunks.filter(status=BatchChunk.Status.PENDING).order_by("index").values_list("id", flat=True)[:slots]
        )
        BatchChunk.objects.filter(id__in=chosen, status=BatchChunk.Status.PENDING).update(
            status=BatchChunk.Status.QUEUED, queued_at=timezone.now()
        )
        for chunk_id in chosen:
            send_on_commit(CHUNK_TASK, chunk_id)
    return len(chosen)


def batches_dispatch_pending() -> int:
    """Dispatch every running batch that has chunks waiting, oldest first."""
    waiting = (
        Batch.objects.filter(
            status=Batch.Status.IN_PROGRESS, expired_at__isnull=True, chunks__status=BatchChunk.Status.PENDING
        )
        .order_by("created_at")
        .values_list("id", flat=True)
        .distinct()
    )
    return sum(batch_dispatch(batch_id=batch_id) for batch_id in list(waiting))


@dataclass
class ChunkLease:
    """A chunk held by this worker: only the holder of `token` may record its results."""

    chunk_id: int
    batch_id: str
    token: str
    provider_id: str
    endpoint: str
    input_file_id: str
    first_line: int
    last_line: int
    byte_start: int
    byte_end: int
    attempts: int
    recorded_lines: set[int] = field(default_factory=set)


class LeaseLostError(Exception):
    """The chunk was taken away (its lease ran out, or the batch was cancelled or expired)."""


def _lease(chunk: BatchChunk, batch: Batch, token: str) -> ChunkLease:
    return ChunkLease(
        chunk_id=chunk.id,
        batch_id=batch.id,
        token=token,
        provider_id=batch.provider_id,
        endpoint=batch.endpoint,
        input_file_id=batch.input_file_id,
        first_line=chunk.first_line,
        last_line=chunk.last_line,
        byte_start=chunk.byte_start,
        byte_end=chunk.byte_end,
        attempts=chunk.attempts,
        recorded_lines=batch_recorded_lines(batch_id=batch.id, first_line=chunk.first_line, last_line=chunk.last_line),
    )


def worker_name() -> str:
    """This process as ops know it: its Celery node (or host) and pid."""
    return f"{celery_module.node_name or socket.gethostname()}:{os.getpid()}"


def _take(batch: Batch, chunk: BatchChunk) -> ChunkLease:
    token = secrets.token_hex(16)
    chunk.status, chunk.lease_token = BatchChunk.Status.RUNNING, token
    chunk.leased_until = timezone.now() + timedelta(seconds=batch_settings().lease_seconds)
    chunk.leased_by = worker_name()
    chunk.attempts += 1
    chunk.save(update_fields=["status", "lease_token", "leased_until", "leased_by", "attempts"])
    return _lease(chunk, batch, token)


def _running_batch(batch_id: str) -> Batch | None:
    return (
        Batch.objects.select_for_update()
        .filter(id=batch_id, status=Batch.Status.IN_PROGRESS, expired_at__isnull=True)
        .first()
    )


def chunk_claim(*, chunk_id: int) -> ChunkLease | None:
    """Lease a queued chunk for this worker; None when it is not queued (done, taken, or a duplicate message)."""
    with transaction.atomic():
        chunk = BatchChunk.objects.filter(id=chunk_id, status=BatchChunk.Status.QUEUED).first()
        batch = _running_batch(chunk.batch_id) if chunk is not None else None
        if chunk is None or batch is None:
            return None
        chunk = BatchChunk.objects.select_for_update().get(id=chunk_id)
        if chunk.status != BatchChunk.Status.QUEUED:
            return None
        return _take(batch, chunk)


def chunk_claim_next(*, batch_id: str) -> ChunkLease | None:
    """Lease the batch's next pending chunk, so a running chunk task goes on without a round trip to the broker."""
    with transaction.atomic():
        batch = _running_batch(batch_id)
        if batch is None:
            return None
        chunk = batch.chunks.select_for_update().filter(status=BatchChunk.Status.PENDING).order_by("index").first()
        if chunk is None:
            return None
        return _take(batch, chunk)


@dataclass
class Usage:
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    total_tokens: int = 0

    def add(self, other: "Usage") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _count_lines(endpoint: str, completed: int, failed: int) -> None:
    if completed:
        BATCH_LINES.labels(endpoint, "completed").inc(completed)
    if failed:
        BATCH_LINES.labels(endpoint, "failed").inc(failed)


def chunk_record(
    *, lease: ChunkLease, rows: list[tuple[int, bool, str]], usage: Usage, done: bool, release: bool = False
) -> bool:
    """Record results of a leased chunk (once each), renew its lease, and mark it done when `done`.

    `release` (a worker stopping because the batch was cancelled or expired) gives the chunk up as
    stopped. Returns whether the batch is still running (False once it is cancelled or expired). Raises
    LeaseLostError when the chunk is no longer this worker's: nothing is recorded then.
    """
    conf = batch_settings()
    with transaction.atomic():
        chunk = (
            BatchChunk.objects.select_for_update()
            .filter(id=lease.chunk_id, status=BatchChunk.Status.RUNNING, lease_token=lease.token)
            .first()
        )
        if chunk is None:
            raise LeaseLostError(f"chunk {lease.chunk_id} of {lease.batch_id}")
        results = [
            BatchResult(batch_id=lease.batch_id, line=line, succeeded=succeeded, payload=payload)
            for line, succeeded, payload in rows
        ]
        try:
            with transaction.atomic():
                BatchResult.objects.bulk_create(results)
        except IntegrityError:
            # The lease makes this unreachable in normal operation; should a line be recorded already, the
            # recorded result stands and this one is dropped.
            present = batch_recorded_lines(
                batch_id=lease.batch_id, first_line=lease.first_line, last_line=lease.last_line
            )
            results = [result for result in results if result.line not in present]
            BatchResult.objects.bulk_create(results)
        lease.recorded_lines.update(result.line for result in results)
        completed = sum(1 for result in results if result.succeeded)
        chunk.recorded = F("recorded") + len(results)
        chunk.leased_until = timezone.now() + timedelta(seconds=conf.lease_seconds)
        if done:
            chunk.status, chunk.lease_token = BatchChunk.Status.DONE, ""
        elif release:
            chunk.status, chunk.lease_token = BatchChunk.Status.STOPPED, ""
        chunk.save(update_fields=["recorded", "leased_until", "status", "lease_token"])
        # Counted once the transaction commits, like the rows themselves.
        failed = len(results) - completed
        transaction.on_commit(lambda: _count_lines(lease.endpoint, completed, failed))
        Batch.objects.filter(id=lease.batch_id).update(
            request_completed=F("request_completed") + completed,
            request_failed=F("request_failed") + len(results) - completed,
            input_tokens=F("input_tokens") + usage.input_tokens,
            cached_tokens=F("cached_tokens") + usage.cached_tokens,
            output_tokens=F("output_tokens") + usage.output_tokens,
            reasoning_tokens=F("reasoning_tokens") + usage.reasoning_tokens,
            total_tokens=F("total_tokens") + usage.total_tokens,
        )
        return Batch.objects.filter(
            id=lease.batch_id, status=Batch.Status.IN_PROGRESS, expired_at__isnull=True
        ).exists()


def chunk_release(*, lease: ChunkLease) -> None:
    """Give a chunk back after its task failed: queued again at once rather than when its lease runs out."""
    with transaction.atomic():
        if BatchChunk.objects.filter(
            id=lease.chunk_id, status=BatchChunk.Status.RUNNING, lease_token=lease.token
        ).update(status=BatchChunk.Status.QUEUED, lease_token="", leased_until=None, queued_at=timezone.now()):
            send_on_commit(CHUNK_TASK, lease.chunk_id)


def batch_chunks_held(*, batch_id: str) -> bool:
    """Whether a worker still holds a live lease on one of the batch's chunks."""
    return BatchChunk.objects.filter(
        batch_id=batch_id, status=BatchChunk.Status.RUNNING, leased_until__gt=timezone.now()
    ).exists()


def batch_after_chunks(*, batch_id: str) -> None:
    """Once every chunk is done, move the batch to finalizing (once) and send its finalization; else dispatch."""
    with transaction.atomic():
        if BatchChunk.objects.filter(batch_id=batch_id).exclude(status=BatchChunk.Status.DONE).exists():
            batches_dispatch_pending()
            return
        now = timezone.now()
        moved = Batch.objects.filter(id=batch_id, status=Batch.Status.IN_PROGRESS, expired_at__isnull=True).update(
            status=Batch.Status.FINALIZING, finalizing_at=now, stage_sent_at=now, stage_attempts=0
        )
        if moved:
            send_on_commit(FINALIZE_TASK, batch_id)


# --- maintenance ----------------------------------------------------------------------------------------


def batches_recover() -> dict[str, int]:
    """The maintenance sweep: expire overdue batches, re-send chunks and stages whose worker went away.

    The embedded broker drops the message of a worker killed with SIGKILL, and Redis redelivers it only
    after its visibility timeout: this sweep is what guarantees that every batch finishes.
    """
    conf = batch_settings()
    now = timezone.now()
    stale_before = now - timedelta(seconds=conf.requeue_seconds)
    report = {"expired": 0, "chunks": 0, "stages": 0, "dispatched": 0, "finalizing": 0}

    overdue = Batch.objects.filter(
        status__in=(Batch.Status.VALIDATING, Batch.Status.IN_PROGRESS), expires_at__lte=now, expired_at__isnull=True
    ).values_list("id", flat=True)
    for batch_id in list(overdue):
        with transaction.atomic():
            if Batch.objects.filter(
                id=batch_id, status__in=(Batch.Status.VALIDATING, Batch.Status.IN_PROGRESS), expired_at__isnull=True
            ).update(expired_at=now, stage_sent_at=now, stage_attempts=0):
                send_on_commit(FINALIZE_TASK, batch_id)
                report["expired"] += 1

    running_batch = Q(batch__status=Batch.Status.IN_PROGRESS, batch__expired_at__isnull=True)
    lapsed = BatchChunk.objects.filter(running_batch, status=BatchChunk.Status.RUNNING, leased_until__lt=now)
    forgotten = BatchChunk.objects.filter(running_batch, status=BatchChunk.Status.QUEUED, queued_at__lt=stale_before)
    for chunk_id in list(lapsed.values_list("id", flat=True)) + list(forgotten.values_list("id", flat=True)):
        with transaction.atomic():
            if BatchChunk.objects.filter(
                Q(status=BatchChunk.Status.RUNNING, leased_until__lt=now)
                | Q(status=BatchChunk.Status.QUEUED, queued_at__lt=stale_before),
                id=chunk_id,
            ).update(status=BatchChunk.Status.QUEUED, lease_token="", leased_until=None, queued_at=now):
                send_on_commit(CHUNK_TASK, chunk_id)
                report["chunks"] += 1

    report["dispatched"] = batches_dispatch_pending()
    finished = Batch.objects.filter(status=Batch.Status.IN_PROGRESS, expired_at__isnull=True).exclude(
        chunks__status__in=(BatchChunk.Status.PENDING, *ACTIVE_CHUNK, BatchChunk.Status.STOPPED)
    )
    for batch_id in list(finished.values_list("id", flat=True)):
        batch_after_chunks(batch_id=batch_id)
        report["finalizing"] += 1

    stalled = Batch.objects.filter(stage_sent_at__lt=stale_before).filter(
        Q(status__in=(Batch.Status.VALIDATING, Batch.Status.FINALIZING, Batch.Status.CANCELLING))
        | Q(status=Batch.Status.IN_PROGRESS, expired_at__isnull=False)
    )
    for batch_id, status in list(stalled.values_list("id", "status")):
        task = VALIDATE_TASK if status == Batch.Status.VALIDATING and not _is_expired(batch_id) else FINALIZE_TASK
        with transaction.atomic():
            if Batch.objects.filter(id=batch_id, status=status, stage_sent_at__lt=stale_before).update(
                stage_sent_at=now
            ):
                send_on_commit(task, batch_id)
                report["stages"] += 1
    if any(report.values()):
        logger.info("Batch maintenance: %s", report)
    return report


def _is_expired(batch_id: str) -> bool:
    return Batch.objects.filter(id=batch_id, expired_at__isnull=False).exists()
