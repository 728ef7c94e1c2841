"""The benchmarks API through the real router: register (over a dataset and scoring functions the caller can use),
get, list, unregister; config apply/export; access; the admin."""

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from apis.access.services import api_key_create
from apis.benchmarks.models import RegisteredBenchmark
from apis.providers.services import stack_config_apply, stack_config_export
from providers.distribution import parse_distribution
from tests.apis.datasets.support import distribution, post, qa_rows

pytestmark = pytest.mark.django_db

FUNCTIONS = ["basic::equality", "basic::subset_of"]


def dataset(client: Client, dataset_id: str = "qa", **headers: str) -> None:
    body = {"dataset_id": dataset_id, "purpose": "eval/question-answer", "source": {"type": "rows", "rows": qa_rows()}}
    assert post(client, "/v1beta/datasets", body, **headers).status_code == 200


def register(client: Client, **body: object):
    return post(client, "/v1alpha/eval/benchmarks", {"dataset_id": "qa", "scoring_functions": FUNCTIONS, **body})


def test_register_get_list_and_unregister(client: Client, eval_stack) -> None:
    dataset(client)
    created = register(client, benchmark_id="qa-bench", metadata={"suite": "smoke"})
    assert created.status_code == 200, created.content
    expected = {
        "identifier": "qa-bench",
        "provider_resource_id": "qa-bench",
        "provider_id": "meta-reference",
        "type": "benchmark",
        "dataset_id": "qa",
        "scoring_functions": FUNCTIONS,
        "metadata": {"suite": "smoke"},
    }
    assert created.json() == expected
    assert client.get("/v1alpha/eval/benchmarks/qa-bench").json() == expected
    assert client.get("/v1alpha/eval/benchmarks").json() == {"data": [expected]}
    assert register(client, benchmark_id="qa-bench", metadata={"suite": "smoke"}).status_code == 200
    assert register(client, benchmark_id="qa-bench", scoring_functions=FUNCTIONS[:1]).status_code == 409
    assert client.delete("/v1alpha/eval/benchmarks/qa-bench").json() == {
        "identifier": "qa-bench", "type": "benchmark", "deleted": True
    }
    missing = client.get("/v1alpha/eval/benchmarks/qa-bench")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Benchmark 'qa-bench' not found."


@pytest.mark.parametrize(
    ("body", "message", "param"),
    [
        ({"benchmark_id": "b", "dataset_id": "nope"}, "Dataset 'nope' not found.", "dataset_id"),
        (
            {"benchmark_id": "b", "scoring_functions": ["basic::equality", "nope"]},
            "Scoring function 'nope' not found.",
            "scoring_functions.1",
        ),
        (
            {"benchmark_id": "b", "scoring_functions": ["basic::equality", "basic::equality"]},
            "scoring_functions names a function more than once.",
            "scoring_functions",
        ),
        ({"benchmark_id": "b", "scoring_functions": []}, "Invalid value for 'scoring_functions'", "scoring_functions"),
        ({"benchmark_id": "a/b"}, "Invalid value for 'benchmark_id'", "benchmark_id"),
        (
            {"benchmark_id": "b", "provider_id": "nope"},
            "Provider 'nope' is not an enabled eval provider.",
            "provider_id",
        ),
    ],
)
def test_invalid_benchmarks_are_refused(client: Client, eval_stack, body: dict, message: str, param: str) -> None:
    dataset(client)
    response = register(client, **body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"].startswith(message)
    assert response.json()["error"]["param"] == param
    assert not RegisteredBenchmark.objects.exists()


BENCHMARKS = """
  datasets:
    - {dataset_id: seeded, purpose: eval/question-answer, source: {type: rows, rows: [{input_query: q}]}}
  benchmarks:
    - {benchmark_id: seeded-bench, dataset_id: seeded, scoring_functions: ["basic::equality"], metadata: {k: v}}
    - {benchmark_id: "bad/id", dataset_id: seeded, scoring_functions: ["basic::equality"]}
"""


def test_config_benchmarks_are_applied_and_exported(client: Client, stack_config) -> None:
    text = distribution(resources=BENCHMARKS)
    stack_config(text)
    seeded = client.get("/v1alpha/eval/benchmarks/seeded-bench").json()
    assert (seeded["dataset_id"], seeded["scoring_functions"]) == ("seeded", ["basic::equality"])
    result = stack_config_apply(config=parse_distribution(text), force=True)
    assert result.errors == [
        "registered_resources.benchmarks[1] ('bad/id'): benchmark_id: String should match pattern '^[^/]+$'"
    ]
    exported = yaml.safe_load(stack_config_export())["registered_resources"]["benchmarks"]
    assert exported == [
        {
            "benchmark_id": "seeded-bench",
            "provider_id": "meta-reference",
            "provider_benchmark_id": "seeded-bench",
            "dataset_id": "seeded",
            "scoring_functions": ["basic::equality"],
            "metadata": {"k": "v"},
        }
    ]


def test_others_benchmarks_and_datasets_are_out_of_reach(client: Client, stack_config) -> None:
    cache.clear()
    stack_config(distribution(extra="server: {auth: {provider_config: {type: api_keys}}}"))
    alice = {"Authorization": f"Bearer {api_key_create(principal='alice', attributes={'teams': ['ml']}).key}"}
    bob = {"Authorization": f"Bearer {api_key_create(principal='bob', attributes={'teams': ['web']}).key}"}
    dataset(client, **alice)
    created = post(client, "/v1alpha/eval/benchmarks",
                   {"benchmark_id": "alices", "dataset_id": "qa", "scoring_functions": FUNCTIONS}, **alice)
    assert created.status_code == 200, created.content
    assert client.get("/v1alpha/eval/benchmarks", headers=bob).json() == {"data": []}
    assert client.get("/v1alpha/eval/benchmarks/alices", headers=bob).status_code == 404
    # Bob cannot build a benchmark on Alice's dataset either.
    refused = post(client, "/v1alpha/eval/benchmarks",
                   {"benchmark_id": "bobs", "dataset_id": "qa", "scoring_functions": FUNCTIONS}, **bob)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "Dataset 'qa' not found."


def test_the_admin_registers_a_benchmark_after_checking_its_references(client: Client, eval_stack) -> None:
    dataset(client)
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    url = "/admin/benchmarks/registeredbenchmark/add/"
    form = {"identifier": "b", "provider_id": "meta-reference", "provider_resource_id": "", "dataset_id": "nope",
            "scoring_functions": '["basic::equality"]', "metadata": "{}"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Dataset &#x27;nope&#x27; not found." in refused.content.decode()
    assert client.post(url, {**form, "dataset_id": "qa"}).status_code == 302
    assert RegisteredBenchmark.objects.get().scoring_functions == ["basic::equality"]
    listing = client.get("/admin/benchmarks/registeredbenchmark/").content.decode()
    assert "basic::equality" in listing
