"""End to end: a worker killed with SIGKILL in the middle of a batch, and a new one started: the batch
completes with every custom_id exactly once (the embedded broker drops the killed worker's messages; the
maintenance sweep sends its chunks again once their lease runs out)."""

import json
import time
from collections import Counter
from collections.abc import Iterator

import openai
import pytest

from tests.apis.batches.support import distribution, jsonl, request_line
from tests.e2e.test_batches import FAST_ENGINE
from tests.support.server import StackServer
from tests.support.upstream import Upstream

LINES = 240


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream(latency=0.05) as up:
        yield up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, upstream: Upstream) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("batches-recovery")
    config = state / "stack.yaml"
    config.write_text(distribution(upstream.base_url))
    with StackServer(state, config, extra_env={**FAST_ENGINE, "STACK_BATCH_MAX_LINES": "50000"}).running() as stack:
        yield stack


def test_batch_survives_a_killed_worker(server: StackServer, upstream: Upstream) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    lines = [request_line(f"line-{i}", f"message {i}") for i in range(LINES)]
    input_id = client.files.create(file=("input.jsonl", jsonl(lines)), purpose="batch").id
    upstream.reset()
    worker = server.start_worker(concurrency=2, beat=True)
    batch = client.batches.create(input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h")

    deadline = time.monotonic() + 60
    while (counts := client.batches.retrieve(batch.id).request_counts).completed < LINES // 4:
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.05)
    server.kill_worker(worker)
    killed_at = client.batches.retrieve(batch.id)
    assert killed_at.status == "in_progress", "the batch finished before the worker could be killed"
    assert killed_at.request_counts.completed < LINES
    time.sleep(1)
    assert client.batches.retrieve(batch.id).request_counts == killed_at.request_counts  # nobody works on it

    server.start_worker(concurrency=2, beat=True)
    deadline = time.monotonic() + 90
    while (done := client.batches.retrieve(batch.id)).status not in ("completed", "failed", "cancelled", "expired"):
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.2)
    assert done.status == "completed", server.log_text()
    assert (done.request_counts.total, done.request_counts.completed, done.request_counts.failed) == (LINES, LINES, 0)
    output = [json.loads(line) for line in client.files.content(done.output_file_id).text.splitlines()]
    assert client.files.content(done.error_file_id).text == ""
    seen = Counter(line["custom_id"] for line in output)
    assert seen == Counter(f"line-{i}" for i in range(LINES))
    by_id = {line["custom_id"]: line for line in output}
    assert by_id["line-200"]["response"]["body"]["choices"][0]["message"]["content"] == "echo: message 200"
    assert counts.completed > 0
