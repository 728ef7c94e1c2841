"""The eval jobs admin: progress while a job runs, its scores once done, cancelling from the list."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apis.eval import services
from apis.eval.models import EvalJob
from apis.eval.tasks import eval_run_job
from tests.apis.datasets.support import post

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/eval/evaljob/"
CONFIG = {"eval_candidate": {"type": "model", "model": "echo"}}


def test_jobs_show_their_progress_scores_and_can_be_cancelled(client: Client, benchmark: str, held_tasks: list) -> None:
    running = post(client, "/v1alpha/eval/benchmarks/qa/jobs", {"benchmark_config": CONFIG}).json()["job_id"]
    done = post(client, "/v1alpha/eval/benchmarks/qa/jobs", {"benchmark_config": CONFIG}).json()["job_id"]
    eval_run_job(done)
    lease = services.eval_job_claim(job_id=running)
    assert lease is not None
    services.eval_job_set_total(lease=lease, total=4)
    services.eval_job_record(lease=lease, index=0, data={"generated_answer": "x"})

    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    listing = client.get(CHANGELIST).content.decode()
    assert '<progress max="100" value="25" title="25%"></progress> 1 / 4 rows' in listing
    assert '<progress max="100" value="100" title="100%"></progress> 4 / 4 rows' in listing
    page = client.get(f"{CHANGELIST}{done}/change/").content.decode()
    assert "&quot;accuracy&quot;: 0.75" in page
    assert client.get(f"{CHANGELIST}add/").status_code == 403

    response = client.post(CHANGELIST, {"action": "cancel_jobs", "_selected_action": [running, done]})
    assert response.status_code == 302
    assert dict(EvalJob.objects.values_list("id", "status")) == {running: "cancelled", done: "completed"}
