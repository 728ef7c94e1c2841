"""/v1/models through the real router: list, get (ids with '/'), register, unregister, and their errors."""

import pytest
from django.test import Client

from apis.models.models import Model
from tests.apis.inference.support import register_upstream
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db


def register(client: Client, prefix: str = "/v1", **body: object):
    return client.post(f"{prefix}/models", body, content_type="application/json")


def test_register_get_list_and_unregister_an_id_with_slashes(client: Client, provider: str) -> None:
    created = register(client, model_id="team/llama-3/8b", provider_model_id="echo-model")
    assert created.status_code == 200, created.content
    model = created.json()
    assert model["id"] == "team/llama-3/8b"
    assert model["object"] == "model"
    assert model["owned_by"] == "up"
    assert model["custom_metadata"] == {
        "model_type": "llm",
        "provider_id": "up",
        "provider_resource_id": "echo-model",
        "source": "api",
    }
    assert isinstance(model["created"], int)

    fetched = client.get("/v1/models/team/llama-3/8b")
    assert fetched.status_code == 200
    assert fetched.json() == model
    listing = client.get("/v1/models")
    assert listing.json() == {"object": "list", "data": [model]}

    deleted = client.delete("/v1/models/team/llama-3/8b")
    assert deleted.status_code == 200
    assert deleted.json() == {"id": "team/llama-3/8b", "object": "model", "deleted": True}
    assert not Model.objects.exists()
    gone = client.get("/v1/models/team/llama-3/8b")
    assert gone.status_code == 404
    assert gone.json()["error"] == {
        "message": "Model 'team/llama-3/8b' not found.",
        "type": "invalid_request_error",
        "code": "not_found",
        "param": None,
    }


def test_provider_defaults_to_the_only_inference_provider(client: Client, provider: str) -> None:
    response = register(client, model_id="echo-model")
    assert response.status_code == 200
    row = Model.objects.get()
    assert (row.provider_id, row.provider_resource_id, row.model_type) == ("up", "echo-model", "llm")


def test_provider_is_required_when_several_exist_and_must_be_an_inference_provider(
    client: Client, provider: str, upstream: Upstream
) -> None:
    register_upstream(upstream, provider_id="second")
    ambiguous = register(client, model_id="m")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["error"]["message"] == (
        "provider_id is required when several inference providers exist: second, up."
    )
    assert ambiguous.json()["error"]["param"] == "provider_id"
    unknown = register(client, model_id="m", provider_id="nope")
    assert unknown.status_code == 400
    assert "Provider 'nope' is not an enabled inference provider" in unknown.json()["error"]["message"]
    assert not Model.objects.exists()


def test_no_inference_provider_is_a_400(client: Client) -> None:
    response = register(client, model_id="m")
    assert response.status_code == 400
    assert "No inference provider is registered" in response.json()["error"]["message"]


def test_embedding_models_need_their_dimension(client: Client, provider: str) -> None:
    missing = register(client, model_id="emb", model_type="embedding")
    assert missing.status_code == 400
    assert missing.json()["error"]["message"] == (
        "Embedding models need metadata.embedding_dimension, a positive integer."
    )
    wrong = register(client, model_id="emb", model_type="embedding", metadata={"embedding_dimension": "8"})
    assert wrong.status_code == 400
    ok = register(client, model_id="emb", model_type="embedding", metadata={"embedding_dimension": 8, "x": 1})
    assert ok.status_code == 200
    assert ok.json()["custom_metadata"] == {
        "embedding_dimension": 8,
        "x": 1,
        "model_type": "embedding",
        "provider_id": "up",
        "provider_resource_id": "emb",
        "source": "api",
    }


def test_registering_again_is_idempotent_but_different_fields_conflict(client: Client, provider: str) -> None:
    first = register(client, model_id="m", provider_model_id="echo-model")
    again = register(client, model_id="m", provider_model_id="echo-model", provider_id="up", model_type="llm")
    assert again.status_code == 200
    assert again.json() == first.json()
    conflict = register(client, model_id="m", provider_model_id="other-model")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["message"] == (
        "Model 'm' is already registered with provider 'up' as 'echo-model' (different: provider_resource_id); "
        "unregister it first to change it."
    )
    assert Model.objects.get().provider_resource_id == "echo-model"


def test_registering_a_discovered_model_keeps_it_from_refreshes(client: Client, provider: str) -> None:
    Model.objects.create(
        identifier="up/echo-model", provider_id="up", provider_resource_id="echo-model", source=Model.Source.LISTED
    )
    response = register(client, model_id="up/echo-model", provider_model_id="echo-model")
    assert response.status_code == 200
    assert Model.objects.get().source == Model.Source.API


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Invalid value for 'model_id': Field required"),
        ({"model_id": ""}, "Invalid value for 'model_id': String should have at least 1 character"),
        ({"model_id": "m", "model_type": "chat"}, "Invalid value for 'model_type': Input should be 'llm', "),
        ({"model_id": "m", "surprise": 1}, "Invalid value for 'surprise': Extra inputs are not permitted"),
        ({"model_id": "m", "metadata": []}, "Invalid value for 'metadata': Input should be a valid dictionary"),
    ],
)
def test_invalid_bodies_are_400_with_the_field(client: Client, provider: str, body: dict, message: str) -> None:
    response = register(client, **body)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(message)


def test_body_that_is_not_json_is_a_400(client: Client, provider: str) -> None:
    response = client.post("/v1/models", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_unregister_unknown_is_404(client: Client) -> None:
    response = client.delete("/v1/models/a/b")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Model 'a/b' not found."


def test_legacy_prefix_serves_the_same_routes(client: Client, provider: str) -> None:
    created = register(client, prefix="/v1/openai/v1", model_id="org/m", provider_model_id="echo-model")
    assert created.status_code == 200
    assert client.get("/v1/openai/v1/models").json()["data"] == [created.json()]
    assert client.get("/v1/openai/v1/models/org/m").json() == created.json()
    assert client.delete("/v1/openai/v1/models/org/m").status_code == 200


def test_list_includes_the_distribution_configs_models(client: Client, stack_config, upstream: Upstream) -> None:
    stack_config(
        f"""
version: 2
providers:
  inference:
    - provider_id: up
      provider_type: remote::openai-compat
      config: {{base_url: "{upstream.base_url}"}}
registered_resources:
  models:
    - {{model_id: configured, provider_id: up, provider_model_id: echo-model}}
"""
    )
    data = client.get("/v1/models").json()["data"]
    assert [(m["id"], m["custom_metadata"]["source"]) for m in data] == [("configured", "config")]
