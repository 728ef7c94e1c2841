"""Eval jobs in this process: created through the real router, their Celery task run here as a worker runs it
(tasks are held in memory, so the test runs each one). Results against hand-computed scores; a worker that stops
mid-job (its lease runs out) leaves the job to be resumed or failed; cancel; the job acts with its owner's rights."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from apis.access.services import api_key_create
from apis.datasets.models import RegisteredDataset
from apis.eval import services
from apis.eval.models import EvalGeneration, EvalJob
from apis.eval.tasks import eval_run_job
from tests.apis.datasets.support import distribution, post, qa_rows
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = {"eval_candidate": {"type": "model", "model": "echo", "sampling_params": {"max_tokens": 20}}}
EXPECTED_SCORES = {
    "basic::equality": {
        "score_rows": [{"score": 1.0}, {"score": 0.0}, {"score": 1.0}, {"score": 0.0}],
        "aggregated_results": {"accuracy": 0.5, "num_correct": 2.0, "num_total": 4},
    },
    "basic::subset_of": {
        "score_rows": [{"score": 1.0}, {"score": 1.0}, {"score": 1.0}, {"score": 0.0}],
        "aggregated_results": {"accuracy": 0.75, "num_correct": 3.0, "num_total": 4},
    },
}
ANSWERS = ["echo: 2+2", "echo: capital of France", "echo: hello", "echo: 3*3"]


def start(client: Client, config: dict | None = None, benchmark: str = "qa", **headers: str) -> dict:
    response = post(client, f"/v1alpha/eval/benchmarks/{benchmark}/jobs", {"benchmark_config": config or CONFIG},
                    **headers)
    assert response.status_code == 200, response.content
    return response.json()


def status(client: Client, job_id: str, **headers: str) -> dict:
    return client.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}", headers=headers or None).json()


def lapse(job_id: str) -> None:
    """Its worker died: the lease runs out (and the message that started it was sent long ago)."""
    past = timezone.now() - timedelta(minutes=10)
    EvalJob.objects.filter(id=job_id).update(leased_until=past, sent_at=past)


def test_a_job_runs_on_a_worker_and_its_result_is_scored(
    client: Client, benchmark: str, held_tasks: list, eval_stack: Upstream
) -> None:
    job = start(client)
    assert job["job_id"].startswith("evaljob-")
    assert (job["status"], job["progress"], job["benchmark_id"]) == ("scheduled", {"generated": 0, "total": None}, "qa")
    assert held_tasks == [("eval.run_job", [job["job_id"]])]
    early = client.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job['job_id']}/result")
    assert early.status_code == 409
    assert early.json()["error"]["message"] == (
        f"Eval job '{job['job_id']}' is scheduled; its result is available once it has completed."
    )

    eval_run_job(job["job_id"])

    done = status(client, job["job_id"])
    assert (done["status"], done["progress"], done["error"]) == ("completed", {"generated": 4, "total": 4}, None)
    assert done["completed_at"] >= done["started_at"] >= done["created_at"]
    result = client.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job['job_id']}/result").json()
    assert result == {"generations": [{"generated_answer": answer} for answer in ANSWERS], "scores": EXPECTED_SCORES}
    assert len(eval_stack.requests()) == 4
    # A duplicate message for a finished job does nothing.
    eval_run_job(job["job_id"])
    assert len(eval_stack.requests()) == 4


def test_a_job_whose_worker_stopped_is_resumed_without_answering_rows_again(
    client: Client, benchmark: str, held_tasks: list, eval_stack: Upstream
) -> None:
    job_id = start(client)["job_id"]
    # A first worker takes the job and answers row 0, then dies.
    first = services.eval_job_claim(job_id=job_id)
    assert first is not None
    services.eval_job_record(lease=first, index=0, data={"generated_answer": "echo: 2+2", "worker": "first"})
    assert status(client, job_id)["status"] == "in_progress"
    # While its lease runs, the job is the first worker's: a second message changes nothing.
    assert services.eval_job_claim(job_id=job_id) is None
    lapse(job_id)

    assert services.eval_jobs_recover() == {"resent": 1, "failed": 0}
    assert held_tasks[-1] == ("eval.run_job", [job_id])
    eval_run_job(job_id)

    done = status(client, job_id)
    assert (done["status"], done["progress"]) == ("completed", {"generated": 4, "total": 4})
    result = client.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}/result").json()
    assert result["generations"][0] == {"generated_answer": "echo: 2+2", "worker": "first"}
    assert result["scores"] == EXPECTED_SCORES
    assert sorted(r["body"]["messages"][-1]["content"] for r in eval_stack.requests()) == [
        "3*3", "capital of France", "hello"
    ]
    assert EvalJob.objects.get(id=job_id).attempts == 2
    # The first worker, come back to life, finds the job is no longer its own.
    with pytest.raises(services.LeaseLostError):
        services.eval_job_record(lease=first, index=1, data={})
    assert EvalGeneration.objects.filter(job_id=job_id).count() == 4


def test_a_job_that_keeps_losing_its_workers_fails(
    client: Client, benchmark: str, held_tasks: list, settings
) -> None:
    settings.STACK_EVAL_MAX_ATTEMPTS = 2
    job_id = start(client)["job_id"]
    for _ in range(2):
        assert services.eval_job_claim(job_id=job_id) is not None
        lapse(job_id)
        services.eval_jobs_recover()
    eval_run_job(job_id)
    failed = status(client, job_id)
    assert failed["status"] == "failed"
    assert failed["error"] == "The job was started 2 times and never finished: its workers stopped."
    assert services.eval_jobs_recover() == {"resent": 0, "failed": 0}


def test_a_job_no_worker_starts_is_sent_again_then_failed(
    client: Client, benchmark: str, held_tasks: list, settings
) -> None:
    settings.STACK_EVAL_MAX_ATTEMPTS = 2
    job_id = start(client)["job_id"]
    assert services.eval_jobs_recover() == {"resent": 0, "failed": 0}  # sent just now: left alone
    for expected in ({"resent": 1, "failed": 0}, {"resent": 1, "failed": 0}, {"resent": 0, "failed": 1}):
        lapse(job_id)
        assert services.eval_jobs_recover() == expected
    assert status(client, job_id)["error"] == "No worker could start the job in 2 attempts."
    assert [name for name, _ in held_tasks] == ["eval.run_job"] * 3


def test_cancel(client: Client, benchmark: str, held_tasks: list, eval_stack: Upstream) -> None:
    job_id = start(client)["job_id"]
    cancelled = client.delete(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert client.delete(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}").json()["status"] == "cancelled"
    eval_run_job(job_id)  # the message sent before the cancel arrives: nothing is done
    assert eval_stack.requests() == []
    assert status(client, job_id)["status"] == "cancelled"
    assert client.get(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}/result").status_code == 409

    finished = start(client)["job_id"]
    eval_run_job(finished)
    refused = client.delete(f"/v1alpha/eval/benchmarks/qa/jobs/{finished}")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == f"Cannot cancel eval job '{finished}' with status 'completed'."


def test_a_running_job_stops_once_cancelled(client: Client, benchmark: str, held_tasks: list) -> None:
    job_id = start(client)["job_id"]
    lease = services.eval_job_claim(job_id=job_id)
    assert lease is not None
    client.delete(f"/v1alpha/eval/benchmarks/qa/jobs/{job_id}")
    assert not services.eval_job_renew(lease=lease)
    with pytest.raises(services.LeaseLostError):
        services.eval_job_record(lease=lease, index=0, data={"generated_answer": "late"})
    assert not EvalGeneration.objects.exists()


def test_jobs_of_unknown_benchmarks_and_ids_are_404(client: Client, benchmark: str, held_tasks: list) -> None:
    job_id = start(client)["job_id"]
    assert client.get("/v1alpha/eval/benchmarks/qa/jobs/evaljob-nope").status_code == 404
    post(client, "/v1alpha/eval/benchmarks", {"benchmark_id": "other", "dataset_id": "qa",
                                              "scoring_functions": ["basic::equality"]})
    # A job is found under its own benchmark only.
    elsewhere = client.get(f"/v1alpha/eval/benchmarks/other/jobs/{job_id}")
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"]["message"] == f"Eval job '{job_id}' not found."
    assert post(client, "/v1alpha/eval/benchmarks/nope/jobs", {"benchmark_config": CONFIG}).status_code == 404


@pytest.mark.parametrize(
    ("model", "error"),
    [
        ("fail-400", "Row 0: The test upstream rejects this request."),
        ("echo", "Dataset 'qa' has more than 3 rows, the most a job evaluates: set benchmark_config.num_examples."),
    ],
)
def test_a_job_that_cannot_finish_fails_with_the_reason(
    client: Client, benchmark: str, held_tasks: list, settings, model: str, error: str
) -> None:
    settings.STACK_EVAL_JOB_MAX_ROWS = 3
    config = {"eval_candidate": {"type": "model", "model": model}, "num_examples": 1 if model != "echo" else None}
    job_id = start(client, {key: value for key, value in config.items() if value is not None})["job_id"]
    eval_run_job(job_id)
    failed = status(client, job_id)
    assert (failed["status"], failed["error"]) == ("failed", error)


def test_a_job_reads_with_its_owners_rights(client: Client, stack_config, upstream: Upstream, held_tasks: list,
                                            settings, tmp_path) -> None:
    """Carol's dataset is shared with her team; Alice's job over it fails once it no longer is, which shows the
    worker reads the dataset as Alice (not as nobody, to whom everything would be open)."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    stack_config(distribution(upstream.base_url, extra="server: {auth: {provider_config: {type: api_keys}}}"))
    alice = {"Authorization": f"Bearer {api_key_create(principal='alice', attributes={'teams': ['ml']}).key}"}
    carol = {"Authorization": f"Bearer {api_key_create(principal='carol', attributes={'teams': ['ml']}).key}"}
    bob = {"Authorization": f"Bearer {api_key_create(principal='bob', attributes={'teams': ['web']}).key}"}
    rows = {"type": "rows", "rows": qa_rows()}
    post(client, "/v1beta/datasets", {"dataset_id": "qa", "purpose": "eval/question-answer", "source": rows}, **carol)
    post(client, "/v1alpha/eval/benchmarks", {"benchmark_id": "qa", "dataset_id": "qa",
                                              "scoring_functions": ["basic::equality"]}, **alice)

    shared = start(client, **alice)["job_id"]
    assert EvalJob.objects.get(id=shared).owner_principal == "alice"
    eval_run_job(shared)
    assert status(client, shared, **alice)["status"] == "completed"
    # Others see neither the benchmark nor the job.
    assert client.get(f"/v1alpha/eval/benchmarks/qa/jobs/{shared}", headers=bob).status_code == 404
    assert post(client, "/v1alpha/eval/benchmarks/qa/jobs", {"benchmark_config": CONFIG}, **bob).status_code == 404

    revoked = start(client, **alice)["job_id"]
    RegisteredDataset.objects.filter(identifier="qa").update(owner_attributes={"teams": ["other"]})
    eval_run_job(revoked)
    failed = status(client, revoked, **alice)
    assert (failed["status"], failed["error"]) == ("failed", "Dataset 'qa' not found.")
