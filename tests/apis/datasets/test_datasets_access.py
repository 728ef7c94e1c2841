"""Datasets under authentication: owners recorded, others' datasets absent from lists and 404 for every route,
and datasets over /v1/files files read with the caller's rights to the file."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apis.access.services import api_key_create
from apis.datasets.models import RegisteredDataset
from tests.apis.datasets.support import distribution, post

pytestmark = pytest.mark.django_db

API_KEYS = "server: {auth: {provider_config: {type: api_keys}}}"
ROWS = {"type": "rows", "rows": [{"input_query": "q", "expected_answer": "a"}]}


@pytest.fixture(autouse=True)
def principals(settings, tmp_path, stack_config) -> dict[str, str]:
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    stack_config(distribution(extra=API_KEYS))
    return {
        name: api_key_create(principal=name, attributes={"teams": [team]}).key
        for name, team in (("alice", "ml"), ("bob", "web"), ("carol", "ml"))
    }


def as_(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def register(client: Client, key: str, source: dict, dataset_id: str = "mine"):
    body = {"dataset_id": dataset_id, "purpose": "eval/question-answer", "source": source}
    return post(client, "/v1beta/datasets", body, **as_(key))


def test_others_datasets_do_not_exist_for_them(client: Client, principals: dict[str, str]) -> None:
    alice, bob, carol = (principals[name] for name in ("alice", "bob", "carol"))
    assert register(client, alice, ROWS).status_code == 200
    row = RegisteredDataset.objects.get()
    assert (row.owner_principal, row.owner_attributes) == ("alice", {"teams": ["ml"]})

    assert client.get("/v1beta/datasets", headers=as_(bob)).json() == {"data": []}
    for response in (
        client.get("/v1beta/datasets/mine", headers=as_(bob)),
        client.get("/v1beta/datasetio/iterrows/mine", headers=as_(bob)),
        post(client, "/v1beta/datasetio/append-rows/mine", {"rows": [{"x": 1}]}, **as_(bob)),
        client.delete("/v1beta/datasets/mine", headers=as_(bob)),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Dataset 'mine' not found."
    taken = register(client, bob, ROWS)
    assert taken.status_code == 409
    assert taken.json()["error"]["message"] == "Dataset 'mine' already exists."

    # The default policy: a teammate of the owner reads and appends.
    assert [d["identifier"] for d in client.get("/v1beta/datasets", headers=as_(carol)).json()["data"]] == ["mine"]
    assert post(client, "/v1beta/datasetio/append-rows/mine", {"rows": [{"x": 1}]}, **as_(carol)).status_code == 200
    assert len(client.get("/v1beta/datasetio/iterrows/mine", headers=as_(alice)).json()["data"]) == 2
    assert client.get("/v1beta/datasets", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_a_dataset_over_a_file_needs_the_right_to_read_the_file(client: Client, principals: dict[str, str]) -> None:
    alice, bob = principals["alice"], principals["bob"]
    uploaded = client.post(
        "/v1/files",
        {"file": SimpleUploadedFile("qa.csv", b"input_query,expected_answer\n2+2,4\n"), "purpose": "user_data"},
        headers=as_(alice),
    )
    file_id = uploaded.json()["id"]
    # Bob cannot read Alice's file, so he cannot make a dataset of it either.
    refused = register(client, bob, {"type": "uri", "uri": file_id}, dataset_id="stolen")
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == f"The dataset source names file '{file_id}', which was not found."
    assert register(client, alice, {"type": "uri", "uri": file_id}).status_code == 200
    assert client.get("/v1beta/datasetio/iterrows/mine", headers=as_(alice)).json()["data"] == [
        {"input_query": "2+2", "expected_answer": "4"}
    ]
