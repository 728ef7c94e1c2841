"""Isolation between two teams, through the real router: every resource type x every action.

Alice (team ml) and Bob (team web) each own a model, a file and a batch. For each resource and each
action (list, get, delete or cancel, use), the owner succeeds and the other team sees nothing: absent
from lists and 404, never a 403 that would leak the resource's existence. A third user who shares
Alice's team may use her resources (the default policy).
"""

import json

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apis.access.services import api_key_create
from tests.apis.batches.support import jsonl, request_line
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db(transaction=True)


def process(batch_id: str) -> None:
    """Run the batch's validation task as a worker would; in eager mode each next task runs as it is sent."""
    from apis.batches.tasks import batch_validate
    from stackproject.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        batch_validate(batch_id)
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved


class Team:
    """A principal with an API key, acting through the HTTP API."""

    def __init__(self, client: Client, principal: str, team: str) -> None:
        self.client = client
        self.key = api_key_create(principal=principal, attributes={"teams": [team]}).key
        self.headers = {"Authorization": f"Bearer {self.key}"}

    def get(self, path: str, **params: str):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: dict):
        return self.client.post(path, json.dumps(body), content_type="application/json", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(path, headers=self.headers)

    def upload(self, content: bytes, purpose: str = "batch") -> str:
        response = self.client.post(
            "/v1/files", {"file": SimpleUploadedFile("in.jsonl", content), "purpose": purpose}, headers=self.headers
        )
        assert response.status_code == 200, response.content
        return response.json()["id"]

    def chat(self, model: str):
        return self.post("/v1/chat/completions", {"model": model, "messages": [{"role": "user", "content": "hi"}]})


@pytest.fixture
def world(client: Client, stack_config, upstream: Upstream, settings, tmp_path, held_tasks):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    stack_config(f"""
providers:
  inference:
    - {{provider_id: up, provider_type: "remote::openai-compat", config: {{base_url: "{upstream.base_url}"}}}}
  files:
    - {{provider_id: localfs, provider_type: "inline::localfs", config: {{}}}}
  batches:
    - {{provider_id: reference, provider_type: "inline::reference", config: {{}}}}
server:
  auth:
    provider_config: {{type: api_keys}}
""")
    alice, bob = Team(client, "alice", "ml"), Team(client, "bob", "web")
    carol = Team(client, "carol", "ml")
    owned = {}
    for team, name in ((alice, "alice"), (bob, "bob")):
        model = f"{name}-model"
        assert team.post("/v1/models", {"model_id": model, "provider_model_id": "echo-model"}).status_code == 200
        file_id = team.upload(jsonl([request_line("a", model=model)]))
        batch = team.post(
            "/v1/batches",
            {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h"},
        )
        assert batch.status_code == 200, batch.content
        process(batch.json()["id"])
        owned[name] = {"model": model, "file": file_id, "batch": batch.json()["id"]}
    return alice, bob, carol, owned


def test_lists_show_only_what_the_caller_may_read(world) -> None:
    alice, bob, carol, owned = world
    for team, mine, theirs in ((alice, owned["alice"], owned["bob"]), (bob, owned["bob"], owned["alice"])):
        models = {m["id"] for m in team.get("/v1/models").json()["data"]}
        files = {f["id"] for f in team.get("/v1/files").json()["data"]}
        batches = {b["id"] for b in team.get("/v1/batches").json()["data"]}
        assert mine["model"] in models and theirs["model"] not in models
        assert mine["file"] in files and theirs["file"] not in files
        assert mine["batch"] in batches and theirs["batch"] not in batches
    carol_models = {m["id"] for m in carol.get("/v1/models").json()["data"]}
    assert owned["alice"]["model"] in carol_models and owned["bob"]["model"] not in carol_models


@pytest.mark.parametrize(
    "path",
    ["/v1/models/{model}", "/v1/files/{file}", "/v1/files/{file}/content", "/v1/batches/{batch}",
     "/v1/openai/v1/models/{model}", "/v1/openai/v1/batches/{batch}"],
)
def test_get_another_teams_resource_is_404(world, path: str) -> None:
    alice, bob, carol, owned = world
    assert alice.get(path.format(**owned["alice"])).status_code == 200
    assert carol.get(path.format(**owned["alice"])).status_code == 200
    response = bob.get(path.format(**owned["alice"]))
    assert response.status_code == 404
    assert "not found" in response.json()["error"]["message"]


def test_delete_and_cancel_another_teams_resource_is_404_and_changes_nothing(world) -> None:
    alice, bob, _carol, owned = world
    mine = owned["alice"]
    assert bob.delete(f"/v1/models/{mine['model']}").status_code == 404
    assert bob.delete(f"/v1/files/{mine['file']}").status_code == 404
    assert bob.post(f"/v1/batches/{mine['batch']}/cancel", {}).status_code == 404
    assert alice.get(f"/v1/models/{mine['model']}").status_code == 200
    assert alice.get(f"/v1/files/{mine['file']}").status_code == 200
    assert alice.get(f"/v1/batches/{mine['batch']}").json()["status"] == "completed"
    assert alice.delete(f"/v1/models/{mine['model']}").status_code == 200
    assert alice.delete(f"/v1/files/{mine['file']}").status_code == 200


def test_using_another_teams_model_is_404(world) -> None:
    alice, bob, carol, owned = world
    ok = alice.chat(owned["alice"]["model"])
    assert ok.status_code == 200, ok.content
    assert ok.json()["choices"][0]["message"]["content"] == "echo: hi"
    assert carol.chat(owned["alice"]["model"]).status_code == 200
    refused = bob.chat(owned["alice"]["model"])
    assert refused.status_code == 404
    assert refused.json()["error"]["message"] == f"Model '{owned['alice']['model']}' not found."


def test_a_batch_may_only_use_files_and_models_its_owner_may_read(world) -> None:
    _alice, bob, _carol, owned = world
    # Bob names Alice's input file: his batch runs with his rights and cannot read it.
    stolen_file = bob.post(
        "/v1/batches",
        {"input_file_id": owned["alice"]["file"], "endpoint": "/v1/chat/completions", "completion_window": "24h"},
    ).json()
    assert stolen_file["status"] == "validating"
    process(stolen_file["id"])
    failed = bob.get(f"/v1/batches/{stolen_file['id']}").json()
    assert failed["status"] == "failed"
    assert failed["errors"]["data"][0]["param"] == "input_file_id"
    # Bob's own file naming Alice's model: the model does not exist for him.
    file_id = bob.upload(jsonl([request_line("x", model=owned["alice"]["model"])]))
    stolen_model = bob.post(
        "/v1/batches", {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h"}
    ).json()
    process(stolen_model["id"])
    errors = bob.get(f"/v1/batches/{stolen_model['id']}").json()["errors"]["data"]
    assert [error["code"] for error in errors] == ["model_not_found"]


def test_batch_results_belong_to_the_batch_owner(world) -> None:
    alice, bob, _carol, owned = world
    batch = alice.get(f"/v1/batches/{owned['alice']['batch']}").json()
    assert batch["request_counts"] == {"total": 1, "completed": 1, "failed": 0}
    output = alice.get(f"/v1/files/{batch['output_file_id']}/content")
    assert output.status_code == 200

    async def read() -> bytes:
        return b"".join([chunk async for chunk in output.streaming_content])

    line = json.loads(async_to_sync(read)())
    assert line["response"]["body"]["choices"][0]["message"]["content"] == "echo: hi"
    assert bob.get(f"/v1/files/{batch['output_file_id']}/content").status_code == 404
    assert batch["output_file_id"] not in {f["id"] for f in bob.get("/v1/files").json()["data"]}


def test_idempotency_keys_do_not_cross_teams(world) -> None:
    alice, bob, _carol, owned = world
    body = {"input_file_id": owned["alice"]["file"], "endpoint": "/v1/chat/completions", "completion_window": "24h",
            "idempotency_key": "nightly"}
    first = alice.post("/v1/batches", body).json()
    again = alice.post("/v1/batches", body).json()
    assert again["id"] == first["id"]
    other = bob.post("/v1/batches", {**body, "input_file_id": owned["bob"]["file"]})
    assert other.status_code == 200
    assert other.json()["id"] != first["id"]
