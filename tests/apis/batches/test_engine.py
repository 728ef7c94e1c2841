"""The batch engine in this process (Celery eager mode) against the test upstream: results, errors, retries,
cancel, expiry and recovery. Each test commits for real, as a worker would."""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from apis.batches.models import Batch, BatchChunk
from apis.batches.services import batch_create
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
