"""/v1/vector-dbs through the real router: register, get, list, unregister, config entries, and their errors."""

import pytest
import yaml
from django.core.cache import cache
from django.test import Client

from apis.access.services import api_key_create
from apis.models.services import model_register
from apis.providers.services import stack_config_apply, stack_config_export
from apis.vector_dbs.models import RegisteredVectorDB
from providers.distribution import parse_distribution
from tests.apis.vector_dbs.support import register_vector_io
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db


def register(client: Client, headers: dict[str, str] | None = None, **body: object):
    return client.post("/v1/vector-dbs", body, content_type="application/json", headers=headers or {})


def test_register_get_list_and_unregister(client: Client, provider: str) -> None:
    created = register(client, vector_db_id="docs/v1", embedding_model="embed", vector_db_name="Docs")
    assert created.status_code == 200, created.content
    vector_db = created.json()
    assert vector_db == {
        "identifier": "docs/v1",
        "provider_resource_id": "docs/v1",
        "provider_id": "orm",
        "type": "vector_db",
        "embedding_model": "embed",
        "embedding_dimension": 8,
        "vector_db_name": "Docs",
    }
    assert client.get("/v1/vector-dbs/docs/v1").json() == vector_db
    assert client.get("/v1/vector-dbs").json() == {"data": [vector_db]}
    deleted = client.delete("/v1/vector-dbs/docs/v1")
    assert deleted.json() == {"identifier": "docs/v1", "type": "vector_db", "deleted": True}
    assert not RegisteredVectorDB.objects.exists()
    for response in (client.get("/v1/vector-dbs/docs/v1"), client.delete("/v1/vector-dbs/docs/v1")):
        assert response.status_code == 404
        assert response.json()["error"] == {
            "message": "Vector DB 'docs/v1' not found.",
            "type": "invalid_request_error",
            "code": "not_found",
            "param": None,
        }


def test_the_embedding_model_must_be_a_registered_embedding_model(client: Client, provider: str) -> None:
    unknown = register(client, vector_db_id="v", embedding_model="nope")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == "Embedding model 'nope' is not registered."
    assert unknown.json()["error"]["param"] == "embedding_model"
    model_register(identifier="chat", provider_id="up", provider_resource_id="echo-model")
    llm = register(client, vector_db_id="v", embedding_model="chat")
    assert llm.status_code == 400
    assert llm.json()["error"]["message"] == "Model 'chat' is of type 'llm', not an embedding model."
    disagreeing = register(client, vector_db_id="v", embedding_model="embed", embedding_dimension=16)
    assert disagreeing.status_code == 400
    assert disagreeing.json()["error"] == {
        "message": "embedding_dimension 16 disagrees with model 'embed', whose vectors have 8 dimensions.",
        "type": "invalid_request_error",
        "code": None,
        "param": "embedding_dimension",
    }
    assert register(client, vector_db_id="v", embedding_model="embed", embedding_dimension=8).status_code == 200


def test_provider_choice(client: Client, provider: str) -> None:
    register_vector_io("second")
    ambiguous = register(client, vector_db_id="v", embedding_model="embed")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["error"]["message"] == (
        "provider_id is required when several vector_io providers exist: orm, second."
    )
    unknown = register(client, vector_db_id="v", embedding_model="embed", provider_id="up")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == (
        "Provider 'up' is not an enabled vector_io provider. Vector_io providers: orm, second."
    )
    chosen = register(client, vector_db_id="v", embedding_model="embed", provider_id="second")
    assert chosen.json()["provider_id"] == "second"


def test_no_vector_io_provider_is_a_400(client: Client, embedding_model: str) -> None:
    response = register(client, vector_db_id="v", embedding_model="embed")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "provider_id"


def test_registering_again_is_idempotent_but_different_fields_and_shared_stores_conflict(
    client: Client, provider: str
) -> None:
    first = register(client, vector_db_id="v", embedding_model="embed", provider_vector_db_id="store-1")
    again = register(client, vector_db_id="v", embedding_model="embed", provider_vector_db_id="store-1",
                     embedding_dimension=8, provider_id="orm")
    assert again.status_code == 200
    assert again.json() == first.json()
    different = register(client, vector_db_id="v", embedding_model="embed", vector_db_name="renamed",
                         provider_vector_db_id="store-1")
    assert different.status_code == 409
    assert different.json()["error"]["message"] == (
        "Vector DB 'v' is already registered with provider 'orm' as 'store-1' (different: vector_db_name); "
        "unregister it first to change it."
    )
    shared = register(client, vector_db_id="w", embedding_model="embed", provider_vector_db_id="store-1")
    assert shared.status_code == 409
    assert shared.json()["error"] == {
        "message": "Provider 'orm' already stores another vector DB as 'store-1'; "
        "choose another provider_vector_db_id.",
        "type": "invalid_request_error",
        "code": "conflict",
        "param": "provider_vector_db_id",
    }


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"embedding_model": "embed"}, "vector_db_id"),
        ({"vector_db_id": "v"}, "embedding_model"),
        ({"vector_db_id": "v", "embedding_model": "embed", "embedding_dimension": 0}, "embedding_dimension"),
        ({"vector_db_id": "v", "embedding_model": "embed", "size": 3}, "size"),
    ],
)
def test_bad_bodies_are_400(client: Client, provider: str, body: dict, param: str) -> None:
    response = register(client, **body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_config_vector_dbs_are_applied_and_exported(client: Client, stack_config, upstream: Upstream) -> None:
    # Resources refer to the models of the same config, whichever order the config lists them in.
    config = f"""
providers:
  inference: [{{provider_id: up, provider_type: "remote::openai-compat", config: {{base_url: "{upstream.base_url}"}}}}]
  vector_io: [{{provider_id: orm, provider_type: "inline::orm", config: {{}}}}]
registered_resources:
  vector_dbs:
    - {{vector_db_id: kb, embedding_model: embed, provider_vector_db_id: kb-store}}
    - {{vector_db_id: wrong, embedding_model: embed, embedding_dimension: 3}}
  models:
    - {{model_id: embed, provider_model_id: embed-model, model_type: embedding, metadata: {{embedding_dimension: 8}}}}
"""
    stack_config(config)
    assert [v["identifier"] for v in client.get("/v1/vector-dbs").json()["data"]] == ["kb"]
    assert RegisteredVectorDB.objects.get().source == "config"
    result = stack_config_apply(config=parse_distribution(config), force=True)
    assert result.errors == [
        "registered_resources.vector_dbs[1] ('wrong'): embedding_dimension 3 disagrees with model 'embed', "
        "whose vectors have 8 dimensions."
    ]
    assert yaml.safe_load(stack_config_export())["registered_resources"]["vector_dbs"] == [
        {
            "vector_db_id": "kb",
            "embedding_model": "embed",
            "embedding_dimension": 8,
            "provider_id": "orm",
            "provider_vector_db_id": "kb-store",
        }
    ]


def test_others_vector_dbs_are_invisible(client: Client, stack_config, upstream: Upstream) -> None:
    cache.clear()
    stack_config(
        "server: {auth: {provider_config: {type: api_keys}}}\n"
        f"providers: {{inference: [{{provider_id: up, provider_type: 'remote::openai-compat',"
        f" config: {{base_url: '{upstream.base_url}'}}}}], vector_io: [{{provider_id: orm,"
        " provider_type: 'inline::orm'}]}\n"
        "registered_resources: {models: [{model_id: embed, model_type: embedding,"
        " metadata: {embedding_dimension: 8}}]}"
    )
    alice = {"Authorization": f"Bearer {api_key_create(principal='alice').key}"}
    bob = {"Authorization": f"Bearer {api_key_create(principal='bob').key}"}
    assert register(client, alice, vector_db_id="private", embedding_model="embed").status_code == 200
    assert RegisteredVectorDB.objects.get().owner_principal == "alice"
    assert client.get("/v1/vector-dbs", headers=bob).json() == {"data": []}
    assert client.get("/v1/vector-dbs/private", headers=bob).status_code == 404
    assert client.delete("/v1/vector-dbs/private", headers=bob).status_code == 404
    taken = register(client, bob, vector_db_id="private", embedding_model="embed")
    assert (taken.status_code, taken.json()["error"]["message"]) == (409, "Vector DB 'private' already exists.")
    assert [v["identifier"] for v in client.get("/v1/vector-dbs", headers=alice).json()["data"]] == ["private"]
    assert client.delete("/v1/vector-dbs/private", headers=alice).status_code == 200
