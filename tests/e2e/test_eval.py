"""End to end: the real server (uvicorn) with API-key authentication, a real Celery worker and the test upstream.

A benchmark job over an uploaded CSV dataset, scored by hand-computed values; another principal sees none of it;
a worker killed mid-job leaves the job to the next worker, which answers only the rows still missing; a job
cancelled while its worker waits on the model stops that request.
"""

import csv
import io
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.apis.datasets.support import distribution, qa_rows
from tests.support.server import StackServer
from tests.support.upstream import Upstream

FAST_EVAL = {
    "STACK_MAINTENANCE_INTERVAL": "1",
    "STACK_EVAL_LEASE_SECONDS": "2",
    "STACK_EVAL_REQUEUE_SECONDS": "3",
    "STACK_EVAL_CONCURRENCY": "2",
    "STACK_EVAL_RETRY_BACKOFF_SECONDS": "0.05",
}
TERMINAL = {"completed", "failed", "cancelled"}


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream(latency=0.15) as up:
        yield up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, upstream: Upstream) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("eval-e2e")
    config = state / "stack.yaml"
    config.write_text(distribution(upstream.base_url, extra="server: {auth: {provider_config: {type: api_keys}}}"))
    with StackServer(state, config, extra_env=FAST_EVAL).running() as stack:
        stack.start_worker(concurrency=2, beat=True)
        yield stack


@pytest.fixture(scope="module")
def keys(server: StackServer) -> dict[str, str]:
    """API keys of alice (team ml) and bob (team web), created in the server's database in one command."""
    code = (
        "from apis.access.services import api_key_create\n"
        "for name, team in (('alice', 'ml'), ('bob', 'web')):\n"
        "    print(name, api_key_create(principal=name, attributes={'teams': [team]}).key)\n"
    )
    output = server.manage("shell", "-c", code).stdout
    return dict(line.split() for line in output.strip().splitlines()[-2:])


def api(server: StackServer, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def wait_for_job(client: httpx.Client, benchmark: str, job_id: str, server: StackServer, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while (job := client.get(f"/v1alpha/eval/benchmarks/{benchmark}/jobs/{job_id}").json())["status"] not in TERMINAL:
        assert time.monotonic() < deadline, f"job still {job}\n{server.log_text()}"
        time.sleep(0.1)
    return job


def register(client: httpx.Client, dataset_id: str, source: dict, functions: list[str]) -> None:
    dataset = client.post("/v1beta/datasets", json={
        "dataset_id": dataset_id, "purpose": "eval/question-answer", "source": source
    })
    assert dataset.status_code == 200, dataset.text
    benchmark = client.post("/v1alpha/eval/benchmarks", json={
        "benchmark_id": dataset_id, "dataset_id": dataset_id, "scoring_functions": functions
    })
    assert benchmark.status_code == 200, benchmark.text


def run(client: httpx.Client, benchmark: str, model: str = "echo") -> str:
    config = {"eval_candidate": {"type": "model", "model": model, "sampling_params": {"max_tokens": 32}}}
    response = client.post(f"/v1alpha/eval/benchmarks/{benchmark}/jobs", json={"benchmark_config": config})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "scheduled"
    return response.json()["job_id"]


def test_a_benchmark_job_over_an_uploaded_file_and_another_principal_sees_none_of_it(
    server: StackServer, keys: dict[str, str]
) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=["input_query", "expected_answer"])
    writer.writeheader()
    writer.writerows(qa_rows())
    files = openai.OpenAI(base_url=f"{server.url}/v1", api_key=keys["alice"], max_retries=0)
    file_id = files.files.create(file=("qa.csv", text.getvalue().encode()), purpose="user_data").id
    alice, bob = api(server, keys["alice"]), api(server, keys["bob"])
    register(alice, "qa", {"type": "uri", "uri": file_id}, ["basic::equality", "basic::subset_of"])
    job_id = run(alice, "qa")

    done = wait_for_job(alice, "qa", job_id, server)
    assert (done["status"], done["progress"], done["error"]) == ("completed", {"generated": 4, "total": 4}, None), (
        server.log_text()
    )
    result = alice.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}/result").json()
    # The echo model answers "echo: <question>"; qa_rows expects "echo: 2+2", "France", "echo: hello", "9".
    assert result["generations"] == [
        {"generated_answer": "echo: 2+2"},
        {"generated_answer": "echo: capital of France"},
        {"generated_answer": "echo: hello"},
        {"generated_answer": "echo: 3*3"},
    ]
    assert result["scores"]["basic::equality"] == {
        "score_rows": [{"score": 1.0}, {"score": 0.0}, {"score": 1.0}, {"score": 0.0}],
        "aggregated_results": {"accuracy": 0.5, "num_correct": 2.0, "num_total": 4},
    }
    assert result["scores"]["basic::subset_of"]["aggregated_results"] == {
        "accuracy": 0.75, "num_correct": 3.0, "num_total": 4
    }

    # Bob: none of Alice's dataset, benchmark, job or file exists for him.
    for response in (
        bob.get("/v1beta/datasets/qa"),
        bob.get("/v1beta/datasetio/iterrows/qa"),
        bob.get("/v1alpha/eval/benchmarks/qa"),
        bob.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}"),
        bob.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}/result"),
        bob.delete(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}"),
        bob.post("/v1alpha/eval/benchmarks/qa/jobs", json={"benchmark_config": {
            "eval_candidate": {"type": "model", "model": "echo"}}}),
    ):
        assert response.status_code == 404, (response.request.url, response.text)
    assert bob.get("/v1beta/datasets").json() == {"data": []}
    assert bob.get("/v1alpha/eval/benchmarks").json() == {"data": []}
    stolen = bob.post("/v1beta/datasets", json={
        "dataset_id": "stolen", "purpose": "eval/question-answer", "source": {"type": "uri", "uri": file_id}
    })
    assert stolen.status_code == 400
    assert stolen.json()["error"]["message"] == f"The dataset source names file '{file_id}', which was not found."
    assert httpx.get(f"{server.url}/v1alpha/eval/benchmarks").status_code == 401


def test_a_job_survives_a_killed_worker(server: StackServer, keys: dict[str, str], upstream: Upstream) -> None:
    """Even rows expect the echo exactly, odd rows a part of it (i % 4 == 1) or something else (i % 4 == 3):
    equality 12/24, subset_of 18/24."""
    rows = [
        {"input_query": f"question {i}", "expected_answer": f"echo: question {i}" if i % 2 == 0
         else f"question {i}" if i % 4 == 1 else "something else"}
        for i in range(24)
    ]
    alice = api(server, keys["alice"])
    register(alice, "long", {"type": "rows", "rows": rows}, ["basic::equality", "basic::subset_of"])
    upstream.reset()
    job_id = run(alice, "long")
    deadline = time.monotonic() + 30
    while alice.get(f"/v1alpha/eval/benchmarks/long/jobs/{job_id}").json()["progress"]["generated"] < 4:
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.02)
    server.kill_worker(server.workers[-1])
    killed_at = alice.get(f"/v1alpha/eval/benchmarks/long/jobs/{job_id}").json()
    assert killed_at["status"] == "in_progress", "the job finished before its worker could be killed"
    time.sleep(1)
    assert alice.get(f"/v1alpha/eval/benchmarks/long/jobs/{job_id}").json()["progress"] == killed_at["progress"]

    server.start_worker(concurrency=2, beat=True)
    done = wait_for_job(alice, "long", job_id, server)
    assert (done["status"], done["progress"]) == ("completed", {"generated": 24, "total": 24}), server.log_text()
    result = alice.get(f"/v1alpha/eval/benchmarks/long/jobs/{job_id}/result").json()
    assert result["generations"] == [{"generated_answer": f"echo: question {i}"} for i in range(24)]
    assert result["scores"]["basic::equality"]["aggregated_results"]["accuracy"] == 0.5
    assert result["scores"]["basic::subset_of"]["aggregated_results"]["accuracy"] == 0.75
    # Rows answered before the crash were not asked again; at most the two in flight when it died were.
    chats = [request for request in upstream.requests() if request["path"] == "/v1/chat/completions"]
    asked = Counter(request["body"]["messages"][-1]["content"] for request in chats)
    assert set(asked) == {f"question {i}" for i in range(24)}
    assert sum(asked.values()) - 24 <= 2


def test_cancelling_a_running_job_stops_its_request(
    server: StackServer, keys: dict[str, str], upstream: Upstream
) -> None:
    alice = api(server, keys["alice"])
    register(alice, "slow", {"type": "rows", "rows": [{"input_query": "take your time"}]}, ["basic::subset_of"])
    upstream.reset()
    job_id = run(alice, "slow", model="slow")  # the upstream's "slow" model answers after 10 s
    deadline = time.monotonic() + 20
    while not upstream.stats()["in_flight"]:
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.05)
    cancelled = alice.delete(f"/v1alpha/eval/benchmarks/slow/jobs/{job_id}")
    assert cancelled.json()["status"] == "cancelled"
    # The worker notices at its next heartbeat (a quarter of the 2 s lease) and drops the request.
    while not upstream.cancelled():
        assert time.monotonic() < deadline + 10, server.log_text()
        time.sleep(0.05)
    assert upstream.cancelled()[0]["prompt"] == "take your time"
    job = alice.get(f"/v1alpha/eval/benchmarks/slow/jobs/{job_id}").json()
    assert (job["status"], job["progress"]["generated"]) == ("cancelled", 0)
