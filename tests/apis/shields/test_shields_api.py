"""/v1/shields through the real router: register, get (ids with '/'), list, unregister, and their errors."""

import pytest
from django.test import Client

from apis.shields.models import RegisteredShield
from tests.apis.shields.conftest import register_regex_provider

pytestmark = pytest.mark.django_db


def register(client: Client, **body: object):
    return client.post("/v1/shields", body, content_type="application/json")


def test_register_get_list_and_unregister_an_id_with_slashes(client: Client, provider: str) -> None:
    created = register(client, shield_id="team/no-violence", provider_shield_id="violence-rules",
                       params={"categories": ["violence"]})
    assert created.status_code == 200, created.content
    shield = created.json()
    assert shield == {
        "identifier": "team/no-violence",
        "provider_resource_id": "violence-rules",
        "provider_id": "regex",
        "type": "shield",
        "params": {"categories": ["violence"]},
    }
    assert client.get("/v1/shields/team/no-violence").json() == shield
    assert client.get("/v1/shields").json() == {"data": [shield]}

    deleted = client.delete("/v1/shields/team/no-violence")
    assert deleted.status_code == 200
    assert deleted.json() == {"identifier": "team/no-violence", "type": "shield", "deleted": True}
    assert not RegisteredShield.objects.exists()
    gone = client.get("/v1/shields/team/no-violence")
    assert gone.status_code == 404
    assert gone.json() == {
        "error": {
            "message": "Shield 'team/no-violence' not found.",
            "type": "invalid_request_error",
            "code": "not_found",
            "param": None,
        }
    }


def test_defaults_the_only_provider_and_the_provider_id(client: Client, provider: str) -> None:
    response = register(client, shield_id="plain")
    assert response.status_code == 200
    row = RegisteredShield.objects.get()
    assert (row.provider_id, row.provider_resource_id, row.params, row.source) == ("regex", "plain", {}, "api")


def test_several_providers_need_provider_id_and_it_must_be_a_safety_provider(client: Client, provider: str) -> None:
    register_regex_provider("second")
    ambiguous = register(client, shield_id="s")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["error"]["message"] == (
        "provider_id is required when several safety providers exist: regex, second."
    )
    assert ambiguous.json()["error"]["param"] == "provider_id"
    unknown = register(client, shield_id="s", provider_id="nope")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == (
        "Provider 'nope' is not an enabled safety provider. Safety providers: regex, second."
    )
    assert register(client, shield_id="s", provider_id="second").json()["provider_id"] == "second"


def test_no_safety_provider_is_a_400(client: Client) -> None:
    response = register(client, shield_id="s")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "No safety provider is registered; register one before a shield."


def test_the_provider_is_told_and_its_refusal_registers_nothing(client: Client, provider: str) -> None:
    refused = register(client, shield_id="s", params={"categories": ["violence", "spam"]})
    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "message": "Unknown categories spam; this provider has: pii, violence.",
        "type": "invalid_request_error",
        "code": None,
        "param": "params.categories",
    }
    assert not RegisteredShield.objects.exists()


def test_registering_again_is_idempotent_but_different_fields_conflict(client: Client, provider: str) -> None:
    first = register(client, shield_id="s", params={"categories": ["pii"]})
    again = register(client, shield_id="s", provider_shield_id="s", provider_id="regex", params={"categories": ["pii"]})
    assert again.status_code == 200
    assert again.json() == first.json()
    conflict = register(client, shield_id="s", params={"categories": ["violence"]})
    assert conflict.status_code == 409
    assert conflict.json()["error"] == {
        "message": "Shield 's' is already registered with provider 'regex' as 's' (different: params); "
        "unregister it first to change it.",
        "type": "invalid_request_error",
        "code": "conflict",
        "param": "shield_id",
    }
    assert RegisteredShield.objects.get().params == {"categories": ["pii"]}


def test_unknown_shields_are_404_for_get_and_delete(client: Client, provider: str) -> None:
    for response in (client.get("/v1/shields/nope"), client.delete("/v1/shields/nope")):
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Shield 'nope' not found."


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "shield_id"),
        ({"shield_id": ""}, "shield_id"),
        ({"shield_id": "s", "color": "red"}, "color"),
        ({"shield_id": "s", "params": [1]}, "params"),
        ({"shield_id": "s", "provider_shield_id": ""}, "provider_shield_id"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(client: Client, provider: str, body: dict, param: str) -> None:
    response = register(client, **body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", param)
    assert not RegisteredShield.objects.exists()
