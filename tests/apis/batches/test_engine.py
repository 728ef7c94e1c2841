"""The batch engine in this process (Celery eager mode) against the test upstream: results, errors, retries,
cancel, expiry and recovery. Each test commits for real, as a worker would."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.utils import timezone

from apis.batches.models import Batch, BatchChunk, BatchResult
from apis.batches.services import (
    LeaseLostError,
    Usage,
    batch_cancel,
    batch_create,
    batches_recover,
    chunk_claim,
    chunk_record,
)
from tests.apis.batches.support import jsonl, request_line, upload_input

pytestmark = pytest.mark.django_db(transaction=True)


def run_batch(input_file_id: str, endpoint: str = "/v1/chat/completions", **params) -> Batch:
    """Create a batch as the API does; in eager mode its whole processing runs before this returns."""
    return batch_create(input_file_id=input_file_id, endpoint=endpoint, completion_window="24h", **params)


def file_lines(client: Client, file_id: str) -> list[dict]:
    response = client.get(f"/v1/files/{file_id}/content")
    assert response.status_code == 200

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    return [json.loads(line) for line in async_to_sync(collect)().splitlines()]


def test_a_chat_batch_completes_with_every_result(client: Client, engine) -> None:
    lines = [request_line(f"req-{i}", f"message {i}") for i in range(7)]
    input_id = upload_input(client, jsonl([*lines[:3], "", *lines[3:]]))
    created = run_batch(input_id, metadata={"k": "v"})
    batch = client.get(f"/v1/batches/{created.id}").json()
    assert batch["status"] == "completed", batch
    assert batch["request_counts"] == {"total": 7, "completed": 7, "failed": 0}
    assert batch["model"] == "echo"
    assert batch["usage"]["total_tokens"] > 0
    for stamp in ("in_progress_at", "finalizing_at", "completed_at"):
        assert batch[stamp] >= batch["created_at"]
    output = file_lines(client, batch["output_file_id"])
    assert [line["custom_id"] for line in output] == [f"req-{i}" for i in range(7)]
    first = output[0]
    assert first["id"].startswith("batch_req_")
    assert first["error"] is None
    assert first["response"]["status_code"] == 200
    assert first["response"]["body"]["choices"][0]["message"]["content"] == "echo: message 0"
    assert file_lines(client, batch["error_file_id"]) == []
    assert client.get(f"/v1/files/{batch['output_file_id']}").json()["purpose"] == "batch_output"
    assert BatchChunk.objects.filter(batch_id=batch["id"]).count() == 3


def engine_impl():
    from apis.batches.tasks import engine as current_engine

    return current_engine()


def test_errors_retries_and_usage_are_reported(client: Client, engine, upstream) -> None:
    lines = [
        request_line("ok"),
        request_line("flaky", "retry me", model="flaky"),
        request_line("bad", model="fail-400"),
        request_line("bad-param", temperature=9),
    ]
    batch = Batch.objects.get(id=run_batch(upload_input(client, jsonl(lines))).id)
    assert batch.status == Batch.Status.COMPLETED
    assert (batch.request_total, batch.request_completed, batch.request_failed) == (4, 2, 2)
    output = {line["custom_id"]: line for line in file_lines(client, batch.output_file_id)}
    errors = {line["custom_id"]: line for line in file_lines(client, batch.error_file_id)}
    assert set(output) == {"ok", "flaky"} and set(errors) == {"bad", "bad-param"}
    assert errors["bad"]["response"]["status_code"] == 400
    assert errors["bad-param"]["response"]["body"]["error"]["param"] == "body.temperature"
    assert batch.input_tokens > 0 and batch.total_tokens >= batch.input_tokens + batch.output_tokens


def test_validation_failure_lists_errors_and_caps_them(client: Client, engine, settings) -> None:
    settings.STACK_BATCH_MAX_ERRORS = 3
    batch = run_batch(upload_input(client, jsonl(["nope"] * 10)))
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FAILED
    assert [error["line"] for error in batch.errors] == [1, 2, 3]
    assert not BatchChunk.objects.filter(batch=batch).exists()


def test_expiry_reports_unfinished_lines(client: Client, held_tasks) -> None:
    lines = [request_line(f"r{i}") for i in range(12)]
    batch = run_batch(upload_input(client, jsonl(lines)))
    engine_impl().validate(batch_id=batch.id)
    queued = list(BatchChunk.objects.filter(batch=batch, status=BatchChunk.Status.QUEUED).order_by("index"))
    assert len(queued) == 2  # 4 requests per batch in flight, 2 per chunk task
    engine_impl().process_chunk(chunk_id=queued[0].id)  # also takes the pending chunks 2 and 3
    Batch.objects.filter(id=batch.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert batches_recover()["expired"] == 1
    engine_impl().finalize(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.EXPIRED and batch.expired_at is not None
    output = file_lines(client, batch.output_file_id)
    errors = file_lines(client, batch.error_file_id)
    assert sorted(line["custom_id"] for line in errors) == ["r3", "r4", "r5"]
    assert {line["error"]["code"] for line in errors} == {"batch_expired"}
    assert len(output) == 9
    assert (batch.request_completed, batch.request_failed) == (9, 3)
    assert client.get(f"/v1/batches/{batch.id}").json()["expired_at"] is not None


def test_a_chunk_whose_worker_died_is_resumed_without_repeating_recorded_lines(client: Client, held_tasks) -> None:
    lines = [request_line(f"r{i}") for i in range(3)]
    batch = run_batch(upload_input(client, jsonl(lines)))
    engine_impl().validate(batch_id=batch.id)
    chunk = BatchChunk.objects.get(batch=batch)
    lease = chunk_claim(chunk_id=chunk.id)
    assert lease is not None
    # The worker recorded line 2, then died: its lease runs out.
    chunk_record(lease=lease, rows=[(2, True, '{"custom_id": "r1", "kept": true}')], usage=Usage(), done=False)
    BatchChunk.objects.filter(id=chunk.id).update(leased_until=timezone.now() - timedelta(seconds=1))
    assert chunk_claim(chunk_id=chunk.id) is None  # running, not queued: a duplicate message does nothing
    assert batches_recover()["chunks"] == 1
    engine_impl().process_chunk(chunk_id=chunk.id)
    engine_impl().finalize(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED
    assert (batch.request_completed, batch.request_failed) == (3, 0)
    assert BatchResult.objects.filter(batch=batch).count() == 3
    output = file_lines(client, batch.output_file_id)
    assert [line["custom_id"] for line in output] == ["r0", "r1", "r2"]
    assert output[1] == {"custom_id": "r1", "kept": True}
    # The lease of the dead worker is gone: what it would still try to record is refused.
    with pytest.raises(LeaseLostError):
        chunk_record(lease=lease, rows=[(3, True, "{}")], usage=Usage(), done=True)


def test_cancel_in_progress_keeps_results_and_reports_the_rest(client: Client, held_tasks) -> None:
    lines = [request_line(f"r{i}") for i in range(9)]
    batch = run_batch(upload_input(client, jsonl(lines)))
    engine_impl().validate(batch_id=batch.id)
    first = BatchChunk.objects.filter(batch=batch, status=BatchChunk.Status.QUEUED).order_by("index").first()
    engine_impl().process_chunk(chunk_id=first.id)  # chunks 0 and 2; chunk 1 stays queued
    assert batch_cancel(batch_id=batch.id).status == Batch.Status.CANCELLING
    engine_impl().process_chunk(chunk_id=BatchChunk.objects.get(batch=batch, index=1).id)  # refused: cancelling
    engine_impl().finalize(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CANCELLED and batch.cancelled_at is not None
    errors = file_lines(client, batch.error_file_id)
    assert sorted(line["custom_id"] for line in errors) == ["r3", "r4", "r5"]
    assert {line["error"]["code"] for line in errors} == {"batch_cancelled"}
    assert len(file_lines(client, batch.output_file_id)) == 6
    engine_impl().finalize(batch_id=batch.id)  # a repeated finalization changes nothing
    assert Batch.objects.get(id=batch.id).output_file_id == batch.output_file_id


def test_a_stage_that_keeps_failing_fails_the_batch(client: Client, held_tasks, settings) -> None:
    settings.STACK_BATCH_MAX_ATTEMPTS = 2
    batch = run_batch(upload_input(client, jsonl([request_line("a")])))
    Batch.objects.filter(id=batch.id).update(stage_attempts=2)  # two workers died while validating it
    engine_impl().validate(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FAILED
    assert batch.errors[0]["code"] == "internal_error"


def test_cancel_right_after_creation_ends_without_files(client: Client, held_tasks) -> None:
    batch = run_batch(upload_input(client, jsonl([request_line("a")])))
    batch_cancel(batch_id=batch.id)
    engine_impl().validate(batch_id=batch.id)  # the validation message arrives after the cancel: ignored
    engine_impl().finalize(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CANCELLED
    assert batch.output_file_id is None and not BatchChunk.objects.filter(batch=batch).exists()
