"""Scale-out end to end: two web processes and two Celery workers on one database and broker.

On the production-like run of the suite these are PostgreSQL and Redis; on the embedded run, SQLite
and the filesystem broker. Both workers share one batch, a worker killed in the middle of a batch
leaves its chunks to the other, registry changes are seen by every process, and the request id of
the request that created a batch reaches the workers' logs.
"""

import json
import time
from collections import Counter
from collections.abc import Iterator

import openai
import pytest

from tests.apis.batches.support import distribution, jsonl, request_line
from tests.support.server import StackServer
from tests.support.upstream import Upstream

ENGINE = {
    "STACK_MAINTENANCE_INTERVAL": "1",
    "STACK_BATCH_CHUNK_SIZE": "10",
    "STACK_BATCH_CONCURRENCY": "16",
    "STACK_BATCH_CHUNK_CONCURRENCY": "4",
    "STACK_BATCH_FLUSH_SECONDS": "0.2",
    "STACK_BATCH_LEASE_SECONDS": "3",
    "STACK_BATCH_REQUEUE_SECONDS": "4",
    "STACK_BATCH_RETRY_BACKOFF_SECONDS": "0.05",
}
TERMINAL = {"completed", "failed", "expired", "cancelled"}


@pytest.fixture(scope="module")
def upstreams() -> Iterator[tuple[Upstream, Upstream]]:
    with Upstream(latency=0.05) as first, Upstream(latency=0.05) as second:
        yield first, second


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, upstreams: tuple[Upstream, Upstream]) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("scale-out")
    config = state / "stack.yaml"
    config.write_text(distribution(upstreams[0].base_url))
    with StackServer(state, config, extra_env=ENGINE, web_workers=2).running() as stack:
        stack.start_worker(concurrency=2, name="alpha", beat=True)
        stack.start_worker(concurrency=2, name="beta")
        stack.wait_worker_ready("alpha")
        stack.wait_worker_ready("beta")
        yield stack


@pytest.fixture
def client(server: StackServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)


def run_batch(client: openai.OpenAI, server: StackServer, lines: int, prefix: str, **create: object):
    content = jsonl([request_line(f"{prefix}-{i}", f"{prefix} {i}") for i in range(lines)])
    input_id = client.files.create(file=("input.jsonl", content), purpose="batch").id
    return client.batches.create(
        input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h", **create
    )


def wait_done(client: openai.OpenAI, server: StackServer, batch_id: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while (batch := client.batches.retrieve(batch_id)).status not in TERMINAL:
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.2)
    return batch


def chunk_workers(server: StackServer, batch_id: str) -> Counter[str]:
    """Which Celery node took each chunk of the batch (read in the server's own database)."""
    code = (
        "import json; from apis.batches.models import BatchChunk; "
        f"print(json.dumps(list(BatchChunk.objects.filter(batch_id='{batch_id}').values_list('leased_by', flat=True))))"
    )
    output = server.manage("shell", "-c", code).stdout.strip().splitlines()[-1]
    return Counter(name.split("@", 1)[0] for name in json.loads(output))


def assert_every_line_once(client: openai.OpenAI, batch, prefix: str, lines: int) -> None:
    assert batch.status == "completed"
    assert (batch.request_counts.total, batch.request_counts.completed, batch.request_counts.failed) == (
        lines, lines, 0
    )
    output = [json.loads(line) for line in client.files.content(batch.output_file_id).text.splitlines()]
    assert Counter(line["custom_id"] for line in output) == Counter(f"{prefix}-{i}" for i in range(lines))
    assert client.files.content(batch.error_file_id).text == ""


def test_both_workers_share_one_batch(client: openai.OpenAI, server: StackServer) -> None:
    batch = wait_done(client, server, run_batch(client, server, 200, "shared").id)
    assert_every_line_once(client, batch, "shared", 200)
    workers = chunk_workers(server, batch.id)
    assert set(workers) == {"alpha", "beta"}, workers
    assert sum(workers.values()) == 20


def test_the_request_id_reaches_the_workers(client: openai.OpenAI, server: StackServer) -> None:
    batch = run_batch(client, server, 5, "traced", extra_headers={"X-Request-ID": "trace-scale-out-1"})
    wait_done(client, server, batch.id)
    worker_logs = "".join(log.read_text() for log in server.logs.glob("worker-*.log"))
    assert f"[trace-scale-out-1] Batch {batch.id} is in progress: 5 requests in 1 chunks" in worker_logs


def test_a_killed_worker_leaves_its_chunks_to_the_other(client: openai.OpenAI, server: StackServer) -> None:
    beta = next(worker for worker in server.workers if worker.poll() is None and "beta" in str(worker.args))
    batch = run_batch(client, server, 400, "killed")
    deadline = time.monotonic() + 60
    while client.batches.retrieve(batch.id).request_counts.completed < 60:
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.05)
    server.kill_worker(beta)
    assert client.batches.retrieve(batch.id).status == "in_progress", "the batch finished before the kill"
    done = wait_done(client, server, batch.id)
    assert_every_line_once(client, done, "killed", 400)
    server.start_worker(concurrency=2, name="beta")
    server.wait_worker_ready("beta")


def test_registry_changes_are_seen_by_every_process(
    client: openai.OpenAI, server: StackServer, upstreams: tuple[Upstream, Upstream]
) -> None:
    first, second = upstreams
    # Ops point the provider at another model service (a third process, as the admin would).
    server.manage(
        "shell", "-c",
        "from apis.providers.services import registration_save; "
        "registration_save(api='inference', provider_id='up', provider_type='remote::openai-compat', "
        f"config={{'base_url': '{second.base_url}'}})",
    )
    first.reset()
    second.reset()
    batch = wait_done(client, server, run_batch(client, server, 100, "moved").id)
    assert_every_line_once(client, batch, "moved", 100)
    assert set(chunk_workers(server, batch.id)) == {"alpha", "beta"}
    assert not [request for request in first.requests() if request["path"].endswith("/chat/completions")]
    # A chunk taken over after a lease ran out may send a request twice; its result is recorded once.
    chats = [request for request in second.requests() if request["path"].endswith("/chat/completions")]
    asked = {request["body"]["messages"][-1]["content"] for request in chats}
    assert asked == {f"moved {i}" for i in range(100)}
    # Both web processes answer with the new registration too.
    for _ in range(6):
        provider = client.get("/providers/up", cast_to=dict)
        assert provider["config"]["base_url"] == second.base_url
