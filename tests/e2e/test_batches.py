"""End to end: the real server (uvicorn), a real Celery worker and the official openai client against the
test upstream: upload, create, poll, download; idempotency; cancel; every validation error code."""

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
import pytest

from tests.apis.batches.support import distribution, jsonl, request_line
from tests.support.server import StackServer
from tests.support.upstream import Upstream

FAST_ENGINE = {
    "STACK_MAINTENANCE_INTERVAL": "1",
    "STACK_BATCH_CHUNK_SIZE": "5",
    "STACK_BATCH_CONCURRENCY": "8",
    "STACK_BATCH_CHUNK_CONCURRENCY": "4",
    "STACK_BATCH_FLUSH_SECONDS": "0.2",
    "STACK_BATCH_LEASE_SECONDS": "3",
    "STACK_BATCH_REQUEUE_SECONDS": "4",
    "STACK_BATCH_RETRY_BACKOFF_SECONDS": "0.05",
    "STACK_BATCH_MAX_LINES": "60",
}
TERMINAL = {"completed", "failed", "expired", "cancelled"}


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream(latency=0.02) as up:
        yield up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, upstream: Upstream) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("batches-e2e")
    config = state / "stack.yaml"
    config.write_text(distribution(upstream.base_url))
    with StackServer(state, config, extra_env=FAST_ENGINE).running() as stack:
        stack.start_worker(concurrency=2, beat=True)
        yield stack


@pytest.fixture(scope="module")
def client(server: StackServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)


def upload(client: openai.OpenAI, lines: list, name: str = "input.jsonl") -> str:
    return client.files.create(file=(name, jsonl(lines)), purpose="batch").id


def wait_for(client: openai.OpenAI, batch_id: str, statuses: set[str] = TERMINAL, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while True:
        batch = client.batches.retrieve(batch_id)
        if batch.status in statuses:
            return batch
        if time.monotonic() > deadline:
            raise AssertionError(f"batch {batch_id} still {batch.status} after {timeout}s: {batch}")
        time.sleep(0.2)


def lines_of(client: openai.OpenAI, file_id: str | None) -> list[dict]:
    assert file_id is not None
    return [json.loads(line) for line in client.files.content(file_id).text.splitlines()]


def test_chat_batch_end_to_end(client: openai.OpenAI, server: StackServer) -> None:
    lines = [request_line(f"ok-{i}", f"hello {i}") for i in range(23)]
    lines += [request_line("bad-request", model="fail-400"), request_line("broken", model="fail-500")]
    lines += [request_line(f"flaky-{i}", f"flaky {i}", model="flaky") for i in range(3)]
    lines += [request_line("too-hot", temperature=5)]
    input_id = upload(client, lines)
    batch = client.batches.create(
        input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h", metadata={"run": "e2e"}
    )
    assert batch.status == "validating"
    assert batch.id.startswith("batch_")
    assert batch.metadata == {"run": "e2e"}
    done = wait_for(client, batch.id)
    assert done.status == "completed", server.log_text()
    assert done.request_counts.total == 29
    assert done.request_counts.completed == 26
    assert done.request_counts.failed == 3
    assert done.usage.total_tokens > 0
    output = lines_of(client, done.output_file_id)
    errors = lines_of(client, done.error_file_id)
    ids = [line["custom_id"] for line in output + errors]
    assert sorted(ids) == sorted(line["custom_id"] for line in lines)
    by_id = {line["custom_id"]: line for line in output + errors}
    assert by_id["ok-7"]["response"]["body"]["choices"][0]["message"]["content"] == "echo: hello 7"
    assert by_id["ok-7"]["response"]["body"]["model"] == "echo"
    # flaky answers 503 once per message: retried, then answered.
    assert by_id["flaky-1"]["response"]["status_code"] == 200
    assert by_id["bad-request"]["response"]["status_code"] == 400
    assert by_id["broken"]["response"]["status_code"] >= 500  # retried, then reported as the API answers it
    assert by_id["broken"]["response"]["body"]["error"]["message"]
    assert by_id["too-hot"]["response"]["status_code"] == 400
    assert by_id["too-hot"]["response"]["body"]["error"]["param"] == "body.temperature"
    assert {line["custom_id"] for line in errors} == {"bad-request", "broken", "too-hot"}
    assert client.files.retrieve(done.output_file_id).purpose == "batch_output"
    assert done.completed_at >= done.finalizing_at >= done.in_progress_at >= done.created_at


def test_embeddings_and_completions_batches(client: openai.OpenAI, server: StackServer) -> None:
    embeddings = [
        {"custom_id": f"e{i}", "method": "POST", "url": "/v1/embeddings", "body": {"model": "embed", "input": f"t{i}"}}
        for i in range(4)
    ]
    completions = [
        {"custom_id": f"c{i}", "method": "POST", "url": "/v1/completions", "body": {"model": "echo", "prompt": "p"}}
        for i in range(4)
    ]
    first = client.batches.create(
        input_file_id=upload(client, embeddings), endpoint="/v1/embeddings", completion_window="24h"
    )
    second = client.batches.create(
        input_file_id=upload(client, completions), endpoint="/v1/completions", completion_window="24h"
    )
    for batch_id, kind in ((first.id, "embedding"), (second.id, "text_completion")):
        done = wait_for(client, batch_id)
        assert done.status == "completed", server.log_text()
        assert done.request_counts.completed == 4
        output = lines_of(client, done.output_file_id)
        assert len(output) == 4
        body = output[0]["response"]["body"]
        assert (body["data"][0]["object"] if kind == "embedding" else body["object"]) == kind


def test_idempotency_same_conflict_and_concurrent(client: openai.OpenAI, server: StackServer) -> None:
    input_id = upload(client, [request_line("one")])
    params = {"input_file_id": input_id, "endpoint": "/v1/chat/completions", "completion_window": "24h"}
    first = client.batches.create(**params, metadata={"a": "1", "b": "2"}, extra_body={"idempotency_key": "k-1"})
    again = client.batches.create(**params, metadata={"b": "2", "a": "1"}, extra_body={"idempotency_key": "k-1"})
    assert again.id == first.id
    assert again.created_at == first.created_at
    with pytest.raises(openai.ConflictError) as conflict:
        client.batches.create(**params, metadata={"a": "other"}, extra_body={"idempotency_key": "k-1"})
    assert "Idempotency key 'k-1' was previously used with different parameters" in str(conflict.value)

    def create(_: int) -> str:
        return client.batches.create(**params, extra_body={"idempotency_key": "k-concurrent"}).id

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(create, range(8)))
    assert len(ids) == 1
    listed = [batch.id for batch in client.batches.list(limit=100)]
    assert listed.count(ids.pop()) == 1
    assert wait_for(client, first.id).status == "completed"


def test_cancel_right_after_creation_never_completes(client: openai.OpenAI, server: StackServer) -> None:
    input_id = upload(client, [request_line(f"c{i}") for i in range(10)])
    batch = client.batches.create(input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h")
    cancelling = client.batches.cancel(batch.id)
    assert cancelling.status in ("cancelling", "cancelled")
    assert cancelling.cancelling_at is not None
    done = wait_for(client, batch.id)
    assert done.status == "cancelled"
    time.sleep(1.5)  # the maintenance sweep runs every second: nothing brings the batch back
    assert client.batches.retrieve(batch.id).status == "cancelled"
    assert client.batches.cancel(batch.id).status == "cancelled"


def test_cancel_while_running_keeps_finished_results(client: openai.OpenAI, server: StackServer) -> None:
    quick = [request_line(f"quick-{i}") for i in range(10)]
    slow = [request_line(f"slow-{i}", model="slow") for i in range(10)]
    input_id = upload(client, quick + slow)
    batch = client.batches.create(input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h")
    deadline = time.monotonic() + 30
    while client.batches.retrieve(batch.id).request_counts.completed < 10:
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.2)
    client.batches.cancel(batch.id)
    done = wait_for(client, batch.id, timeout=30)
    assert done.status == "cancelled"
    assert done.cancelled_at >= done.cancelling_at
    output = lines_of(client, done.output_file_id)
    errors = lines_of(client, done.error_file_id)
    assert sorted(line["custom_id"] for line in output) == sorted(f"quick-{i}" for i in range(10))
    assert sorted(line["custom_id"] for line in errors) == sorted(f"slow-{i}" for i in range(10))
    assert {line["error"]["code"] for line in errors} == {"batch_cancelled"}
    assert done.request_counts.completed == 10 and done.request_counts.failed == 10
    with pytest.raises(openai.ConflictError):
        client.batches.cancel(wait_for(client, upload_and_run(client), {"completed"}).id)


def upload_and_run(client: openai.OpenAI) -> str:
    input_id = upload(client, [request_line("x")])
    return client.batches.create(input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h").id


def test_every_validation_error_code(client: openai.OpenAI, server: StackServer) -> None:
    good = request_line("good")
    lines = [
        "{not json",  # 1
        "[1, 2]",  # 2
        {"method": "POST", "url": "/v1/chat/completions", "body": good["body"]},  # 3: no custom_id
        {"custom_id": "no-body", "method": "POST", "url": "/v1/chat/completions"},  # 4
        {"custom_id": 5, "method": "POST", "url": "/v1/chat/completions", "body": good["body"]},  # 5
        good,  # 6
        {**good},  # 7: duplicate custom_id
        {**good, "custom_id": "get", "method": "GET"},  # 8
        {**good, "custom_id": "url", "url": "/v1/embeddings"},  # 9
        request_line("stream", stream=True),  # 10
        {**good, "custom_id": "no-messages", "body": {"model": "echo"}},  # 11
        {**good, "custom_id": "bad-messages", "body": {"model": "echo", "messages": "hi"}},  # 12
        request_line("unknown-model", model="no-such-model"),  # 13
        "",  # 14: blank, skipped
        {**good, "custom_id": "bad-model-type", "body": {"model": 7, "messages": good["body"]["messages"]}},  # 15
    ]
    batch = client.batches.create(
        input_file_id=upload(client, lines), endpoint="/v1/chat/completions", completion_window="24h"
    )
    failed = wait_for(client, batch.id)
    assert failed.status == "failed"
    assert failed.failed_at is not None
    found = {(error.line, error.code, error.param) for error in failed.errors.data}
    expected = {
        (1, "invalid_json_line", None),
        (2, "invalid_request", None),
        (3, "missing_required_parameter", "custom_id"),
        (4, "missing_required_parameter", "body"),
        (5, "invalid_request", "custom_id"),
        (7, "duplicate_custom_id", "custom_id"),
        (8, "invalid_request", "method"),
        (9, "invalid_url", "url"),
        (10, "streaming_unsupported", "body.stream"),
        (11, "invalid_request", "body.messages"),
        (12, "invalid_request", "body.messages"),
        (13, "model_not_found", "body.model"),
        (15, "invalid_request", "body.model"),
    }
    assert found == expected
    assert all(error.message for error in failed.errors.data)

    missing = client.batches.create(input_file_id="file-0000", endpoint="/v1/chat/completions", completion_window="24h")
    failed = wait_for(client, missing.id)
    assert failed.status == "failed"
    assert [(e.code, e.param) for e in failed.errors.data] == [("invalid_request", "input_file_id")]

    too_many = client.batches.create(
        input_file_id=upload(client, [request_line(f"n{i}") for i in range(61)]),
        endpoint="/v1/chat/completions",
        completion_window="24h",
    )
    failed = wait_for(client, too_many.id)
    assert failed.status == "failed"
    assert [e.code for e in failed.errors.data] == ["invalid_request"]
    assert "more than 60 requests" in failed.errors.data[0].message


def test_legacy_prefix_and_list(server: StackServer) -> None:
    response = httpx.get(f"{server.url}/v1/openai/v1/batches", params={"limit": 2})
    assert response.status_code == 200
    page = response.json()
    assert page["object"] == "list" and len(page["data"]) == 2 and page["has_more"] is True
    newest = httpx.get(f"{server.url}/v1/batches", params={"limit": 1}).json()["data"][0]
    assert page["data"][0]["id"] == newest["id"]


def test_files_end_to_end(client: openai.OpenAI, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(bytes(range(256)) * 40_000)
    with source.open("rb") as handle:
        stored = client.files.create(file=handle, purpose="user_data")
    assert stored.bytes == 10_240_000
    assert client.files.content(stored.id).content == source.read_bytes()
    assert client.files.delete(stored.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(stored.id)
