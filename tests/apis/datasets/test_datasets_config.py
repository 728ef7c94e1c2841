"""`registered_resources.datasets` of the distribution config: applied at start, exported, bad entries reported."""

import pytest
import yaml
from django.test import Client

from apis.datasets.models import RegisteredDataset
from apis.providers.services import stack_config_apply, stack_config_export
from providers.distribution import parse_distribution
from tests.apis.datasets.support import distribution, post

pytestmark = pytest.mark.django_db

DATASETS = """
  datasets:
    - dataset_id: seeded
      purpose: eval/question-answer
      source: {type: rows, rows: [{input_query: q, expected_answer: a}]}
    - dataset_id: from-uri
      purpose: eval/messages-answer
      source: {type: uri, uri: "data:application/jsonl,%7B%22a%22%3A1%7D"}
      metadata: {owner: ops}
    - {dataset_id: wrong-purpose, purpose: training, source: {type: rows, rows: []}}
    - {dataset_id: elsewhere, provider_id: nope, purpose: eval/question-answer, source: {type: rows, rows: []}}
"""


def test_config_datasets_are_applied_at_start_exported_and_bad_entries_reported(
    client: Client, stack_config
) -> None:
    text = distribution(resources=DATASETS)
    stack_config(text)
    listed = client.get("/v1beta/datasets").json()["data"]
    assert [dataset["identifier"] for dataset in listed] == ["from-uri", "seeded"]
    seeded = client.get("/v1beta/datasetio/iterrows/seeded").json()["data"]
    assert seeded == [{"input_query": "q", "expected_answer": "a"}]
    assert client.get("/v1beta/datasetio/iterrows/from-uri").json()["data"] == [{"a": 1}]
    assert set(RegisteredDataset.objects.values_list("source", flat=True)) == {"config"}

    result = stack_config_apply(config=parse_distribution(text), force=True)
    assert result.errors == [
        "registered_resources.datasets[2] ('wrong-purpose'): purpose: Input should be 'post-training/messages', "
        "'eval/question-answer' or 'eval/messages-answer'",
        "registered_resources.datasets[3] ('elsewhere'): Provider 'nope' is not an enabled datasetio provider. "
        "Datasetio providers: localfs-datasetio.",
    ]
    post(client, "/v1beta/datasets", {"dataset_id": "mine", "purpose": "post-training/messages",
                                      "source": {"type": "rows", "rows": [{"messages": []}]}})
    exported = yaml.safe_load(stack_config_export())["registered_resources"]["datasets"]
    assert exported == [
        {
            "dataset_id": "from-uri",
            "provider_id": "localfs-datasetio",
            "purpose": "eval/messages-answer",
            "source": {"type": "uri", "uri": "data:application/jsonl,%7B%22a%22%3A1%7D"},
            "metadata": {"owner": "ops"},
        },
        {
            "dataset_id": "mine",
            "provider_id": "localfs-datasetio",
            "purpose": "post-training/messages",
            "source": {"type": "rows", "rows": [{"messages": []}]},
        },
        {
            "dataset_id": "seeded",
            "provider_id": "localfs-datasetio",
            "purpose": "eval/question-answer",
            "source": {"type": "rows", "rows": [{"input_query": "q", "expected_answer": "a"}]},
        },
    ]


def test_a_changed_config_updates_its_datasets_and_removes_those_it_no_longer_names(
    client: Client, stack_config
) -> None:
    stack_config(distribution(resources=DATASETS))
    assert client.get("/v1beta/datasets/seeded").status_code == 200
    post(client, "/v1beta/datasets", {"dataset_id": "mine", "purpose": "post-training/messages",
                                      "source": {"type": "rows", "rows": []}})
    stack_config(distribution(resources="""
  datasets:
    - {dataset_id: seeded, purpose: eval/question-answer, source: {type: rows, rows: [{input_query: changed}]}}
"""))
    assert client.get("/v1beta/datasetio/iterrows/seeded").json()["data"] == [{"input_query": "changed"}]
    assert client.get("/v1beta/datasets/from-uri").status_code == 404
    assert client.get("/v1beta/datasets/mine").status_code == 200
