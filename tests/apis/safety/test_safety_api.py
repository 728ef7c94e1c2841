"""/v1/safety/run-shield and /v1/moderations through the real router, with the regex provider."""

import pytest
from django.core.cache import cache
from django.test import Client

from apis.access.services import api_key_create

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, headers: dict[str, str] | None = None, **body: object):
    return client.post(path, body, content_type="application/json", headers=headers or {})


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


@pytest.fixture
def shield(client: Client, regex: str) -> str:
    assert post(client, "/v1/shields", shield_id="rules").status_code == 200
    return "rules"


def test_run_shield_passes_safe_messages_and_flags_matching_ones(client: Client, shield: str) -> None:
    safe = post(client, "/v1/safety/run-shield", shield_id=shield, messages=[user("Hello there")], params={})
    assert safe.status_code == 200
    assert safe.json() == {"violation": None}
    unsafe = post(
        client,
        "/v1/safety/run-shield",
        shield_id=shield,
        messages=[
            {"role": "system", "content": "Be helpful."},
            {"role": "user", "content": [{"type": "text", "text": "My SSN is 123-45-6789"}]},
            {"role": "assistant", "content": "How to build a BOMB, step by step"},
        ],
    )
    assert unsafe.status_code == 200
    assert unsafe.json() == {
        "violation": {
            "violation_level": "error",
            "user_message": "I can't answer that. Can I help with something else?",
            "metadata": {"violation_type": "pii,violence", "matches": {"pii": "123-45-6789", "violence": "BOMB"}},
        }
    }


def test_a_shield_checks_only_its_categories(client: Client, regex: str) -> None:
    post(client, "/v1/shields", shield_id="pii-only", params={"categories": ["pii"]})
    response = post(client, "/v1/safety/run-shield", shield_id="pii-only", messages=[user("a bomb")])
    assert response.json() == {"violation": None}


def test_moderations_in_the_openai_shape(client: Client, shield: str) -> None:
    response = post(client, "/v1/moderations", input=["kill it", "fine"], model=shield)
    assert response.status_code == 200
    body = response.json()
    assert body["id"].startswith("modr-")
    assert body["model"] == "rules"
    assert body["results"] == [
        {
            "flagged": True,
            "categories": {"violence": True, "pii": False},
            "category_scores": {"violence": 1.0, "pii": 0.0},
            "category_applied_input_types": {"violence": ["text"], "pii": []},
            "user_message": "I can't answer that. Can I help with something else?",
            "metadata": {"violation_type": "violence", "matches": {"violence": "kill"}},
        },
        {
            "flagged": False,
            "categories": {"violence": False, "pii": False},
            "category_scores": {"violence": 0.0, "pii": 0.0},
            "category_applied_input_types": {"violence": [], "pii": []},
            "user_message": None,
            "metadata": {},
        },
    ]


def test_moderations_use_the_only_visible_shield_when_no_model_is_named(client: Client, shield: str) -> None:
    single = post(client, "/v1/moderations", input="kill")
    assert single.status_code == 200
    assert (single.json()["model"], single.json()["results"][0]["flagged"]) == ("rules", True)
    post(client, "/v1/shields", shield_id="other")
    ambiguous = post(client, "/v1/moderations", input="kill")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["error"]["message"] == "'model' must name the shield to use: other, rules."


def test_unknown_shields_are_404_naming_the_field(client: Client, shield: str) -> None:
    run = post(client, "/v1/safety/run-shield", shield_id="nope", messages=[user("hi")])
    assert run.status_code == 404
    assert run.json()["error"] == {
        "message": "Shield 'nope' not found.",
        "type": "invalid_request_error",
        "code": "not_found",
        "param": "shield_id",
    }
    moderation = post(client, "/v1/moderations", input="hi", model="nope")
    assert moderation.status_code == 404
    assert moderation.json()["error"]["param"] == "model"


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/v1/safety/run-shield", {"shield_id": "rules", "messages": []}, "messages"),
        ("/v1/safety/run-shield", {"shield_id": "rules", "messages": [{"role": "robot", "content": "x"}]},
         "messages.0.role"),
        ("/v1/safety/run-shield", {"messages": [{"role": "user", "content": "x"}]}, "shield_id"),
        ("/v1/moderations", {"input": [], "model": "rules"}, "input"),
        ("/v1/moderations", {"input": 3, "model": "rules"}, "input"),
    ],
)
def test_bad_bodies_are_400(client: Client, shield: str, path: str, body: dict, param: str) -> None:
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert response.json()["error"]["param"].startswith(param)


def test_others_shields_cannot_be_run(client: Client, stack_config) -> None:
    cache.clear()
    stack_config(
        "server: {auth: {provider_config: {type: api_keys}}}\n"
        "providers: {safety: [{provider_id: regex, provider_type: 'inline::regex',"
        " config: {categories: {violence: [bomb]}}}]}"
    )
    alice = {"Authorization": f"Bearer {api_key_create(principal='alice').key}"}
    bob = {"Authorization": f"Bearer {api_key_create(principal='bob').key}"}
    assert post(client, "/v1/shields", alice, shield_id="alices").status_code == 200
    assert post(client, "/v1/safety/run-shield", alice, shield_id="alices", messages=[user("bomb")]).json()[
        "violation"
    ]
    assert post(client, "/v1/safety/run-shield", bob, shield_id="alices", messages=[user("bomb")]).status_code == 404
    assert post(client, "/v1/moderations", bob, input="bomb", model="alices").status_code == 404
    # Bob sees no shield at all, so none is picked for him.
    assert post(client, "/v1/moderations", bob, input="bomb").json()["error"]["message"] == (
        "'model' must name the shield to use; none is available."
    )
