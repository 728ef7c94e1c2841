"""The datasets API through the real router: register (rows or URI, provider inferred), get, list, unregister."""

import base64

import pytest
from django.test import Client

from apis.datasets.models import RegisteredDataset
from apis.providers.services import registration_save
from tests.apis.datasets.support import post, qa_rows

pytestmark = pytest.mark.django_db


def register(client: Client, **body: object):
    return post(client, "/v1beta/datasets", {"purpose": "eval/question-answer", **body})


def rows_source(rows: list[dict] | None = None) -> dict:
    return {"type": "rows", "rows": qa_rows() if rows is None else rows}


def test_register_get_list_and_unregister(client: Client, eval_stack) -> None:
    created = register(client, dataset_id="qa", source=rows_source(), metadata={"origin": "hand"})
    assert created.status_code == 200, created.content
    expected = {
        "identifier": "qa",
        "provider_resource_id": "qa",
        "provider_id": "localfs-datasetio",
        "type": "dataset",
        "purpose": "eval/question-answer",
        "source": {"type": "rows", "rows": qa_rows()},
        "metadata": {"origin": "hand"},
    }
    assert created.json() == expected
    assert client.get("/v1beta/datasets/qa").json() == expected
    assert client.get("/v1beta/datasets").json() == {"data": [expected]}
    row = RegisteredDataset.objects.get()
    assert (row.source, row.data_source["type"]) == ("api", "rows")

    deleted = client.delete("/v1beta/datasets/qa")
    assert deleted.json() == {"identifier": "qa", "type": "dataset", "deleted": True}
    missing = client.get("/v1beta/datasets/qa")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Dataset 'qa' not found."
    assert client.delete("/v1beta/datasets/qa").status_code == 404


def test_ids_are_generated_and_may_contain_slashes(client: Client, eval_stack) -> None:
    generated = register(client, source=rows_source()).json()["identifier"]
    assert generated.startswith("dataset-")
    assert client.get(f"/v1beta/datasets/{generated}").status_code == 200
    assert register(client, dataset_id="team/qa", source=rows_source()).status_code == 200
    assert client.get("/v1beta/datasets/team/qa").json()["identifier"] == "team/qa"
    assert client.get("/v1beta/datasetio/iterrows/team/qa?limit=1").json()["data"] == qa_rows()[:1]
    assert client.delete("/v1beta/datasets/team/qa").status_code == 200


def test_the_same_registration_again_is_the_same_dataset_a_different_one_conflicts(
    client: Client, eval_stack
) -> None:
    assert register(client, dataset_id="qa", source=rows_source()).status_code == 200
    assert register(client, dataset_id="qa", source=rows_source()).status_code == 200
    conflict = register(client, dataset_id="qa", source=rows_source(qa_rows()[:1]))
    assert conflict.status_code == 409
    assert "different: data_source" in conflict.json()["error"]["message"]
    assert RegisteredDataset.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"purpose": "training", "source": {"type": "rows", "rows": []}}, "purpose"),
        ({"purpose": "eval/question-answer", "source": {"type": "table"}}, "source"),
        ({"purpose": "eval/question-answer", "source": {"type": "rows", "rows": [1, 2]}}, "source.rows.rows.0"),
        ({"purpose": "eval/question-answer", "source": {"type": "uri"}}, "source.uri.uri"),
        ({"purpose": "eval/question-answer", "source": {"type": "rows", "rows": []}, "colour": "red"}, "colour"),
    ],
)
def test_invalid_requests_are_400_naming_the_field(client: Client, eval_stack, body: dict, param: str) -> None:
    response = post(client, "/v1beta/datasets", body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == param


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("file-0123abcd", "The dataset source names file 'file-0123abcd', which was not found."),
        ("https://example.com/rows.csv", "Unsupported dataset URI 'https://example.com/rows.csv'"),
        ("data:image/png;base64,AAAA", "Unsupported data: URI media type 'image/png'"),
        ("data:application/json;base64,!!!", "The data: URI's base64 data is not valid."),
        ("data:application/json,{}", "not valid JSON: a JSON dataset must be an array of objects"),
        ("file:///etc/passwd", "'/etc/passwd' is not under a directory this server reads datasets from"),
    ],
)
def test_sources_that_cannot_be_read_are_refused_at_registration(
    client: Client, eval_stack, uri: str, message: str
) -> None:
    response = register(client, source={"type": "uri", "uri": uri})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["param"] == "source.uri"
    assert message in error["message"]
    assert not RegisteredDataset.objects.exists()


def test_a_data_uri_dataset_is_registered_and_read(client: Client, eval_stack) -> None:
    payload = base64.b64encode(b'{"input_query": "q1"}\n{"input_query": "q2"}\n').decode()
    source = {"type": "uri", "uri": f"data:application/jsonl;base64,{payload}"}
    created = register(client, dataset_id="inline", source=source)
    assert created.status_code == 200, created.content
    rows = client.get("/v1beta/datasetio/iterrows/inline").json()
    assert rows == {"data": [{"input_query": "q1"}, {"input_query": "q2"}], "next_start_index": None, "has_more": False}


def test_the_provider_is_named_or_inferred_from_the_source(client: Client, eval_stack) -> None:
    unknown = register(client, source=rows_source(), provider_id="nope")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == {
        "message": "Provider 'nope' is not an enabled datasetio provider. Datasetio providers: localfs-datasetio.",
        "type": "invalid_request_error",
        "code": None,
        "param": "provider_id",
    }
    # A second localfs provider can read the same sources: the caller must choose.
    registration_save(api="datasetio", provider_id="second", provider_type="inline::localfs", config={})
    ambiguous = register(client, source=rows_source())
    assert ambiguous.status_code == 400
    assert ambiguous.json()["error"]["message"] == (
        "provider_id is required: several datasetio providers can read this source: localfs-datasetio, second."
    )
    chosen = register(client, source=rows_source(), provider_id="second")
    assert chosen.json()["provider_id"] == "second"


def test_without_a_datasetio_provider_registration_is_refused(client: Client, stack_config) -> None:
    stack_config("version: 2\nproviders: {}\n")
    response = register(client, source=rows_source())
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "No datasetio provider is registered; register one before a dataset."
    )
