"""Shields under authentication: owners recorded, others' shields absent from lists and 404, delete by policy."""

import pytest
from django.core.cache import cache
from django.test import Client

from apis.access.services import api_key_create
from apis.shields.models import RegisteredShield

pytestmark = pytest.mark.django_db

CONFIG = """
server:
  auth:
    provider_config: {type: api_keys}
    %s
providers:
  safety:
    - {provider_id: regex, provider_type: "inline::regex", config: {categories: {violence: [bomb]}}}
"""
OWNER_DELETES = """access_policy:
      - {permit: {actions: [create, read]}, when: "user in owners teams"}
      - {permit: {actions: [delete]}, when: "user is owner"}"""


@pytest.fixture(autouse=True)
def clear_cache() -> None:
    cache.clear()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_others_shields_are_invisible_and_their_ids_taken(client: Client, stack_config) -> None:
    stack_config(CONFIG % "")
    alice = auth(api_key_create(principal="alice", attributes={"teams": ["ml"]}).key)
    bob = auth(api_key_create(principal="bob", attributes={"teams": ["web"]}).key)
    carol = auth(api_key_create(principal="carol", attributes={"teams": ["ml"]}).key)

    created = client.post("/v1/shields", {"shield_id": "mine"}, content_type="application/json", headers=alice)
    assert created.status_code == 200
    row = RegisteredShield.objects.get()
    assert (row.owner_principal, row.owner_attributes) == ("alice", {"teams": ["ml"]})

    assert client.get("/v1/shields", headers=bob).json() == {"data": []}
    assert client.get("/v1/shields/mine", headers=bob).status_code == 404
    assert client.delete("/v1/shields/mine", headers=bob).status_code == 404
    taken = client.post("/v1/shields", {"shield_id": "mine"}, content_type="application/json", headers=bob)
    assert taken.status_code == 409
    assert taken.json()["error"]["message"] == "Shield 'mine' already exists."

    # The default policy: users sharing a team with the owner see it too.
    assert [s["identifier"] for s in client.get("/v1/shields", headers=carol).json()["data"]] == ["mine"]
    assert [s["identifier"] for s in client.get("/v1/shields", headers=alice).json()["data"]] == ["mine"]
    assert client.get("/v1/shields/mine", headers=carol).status_code == 200


def test_deleting_needs_the_delete_action(client: Client, stack_config) -> None:
    stack_config(CONFIG % OWNER_DELETES)
    alice = auth(api_key_create(principal="alice", attributes={"teams": ["ml"]}).key)
    carol = auth(api_key_create(principal="carol", attributes={"teams": ["ml"]}).key)
    created = client.post("/v1/shields", {"shield_id": "s"}, content_type="application/json", headers=alice)
    assert created.status_code == 200
    assert client.get("/v1/shields/s", headers=carol).status_code == 200
    refused = client.delete("/v1/shields/s", headers=carol)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "You may not delete shield 's'."
    assert client.delete("/v1/shields/s", headers=alice).status_code == 200
    assert not RegisteredShield.objects.exists()
