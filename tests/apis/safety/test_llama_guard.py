"""The `inline::llama-guard` provider end to end: shields over a guard model served by a model service.

The guard model is registered in the model routing table and reached through our inference routing;
the service behind it (tests.apis.safety.guard_upstream) answers as Llama Guard does.
"""

from typing import Any

import pytest
from django.test import Client

from apis.models.services import model_register
from apis.providers.services import registration_save
from apis.shields.models import RegisteredShield
from tests.apis.safety.conftest import GUARD_MODEL

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, **body: object):
    return client.post(path, body, content_type="application/json")


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


@pytest.fixture
def shield(client: Client, llama_guard: str) -> str:
    created = post(client, "/v1/shields", shield_id="guard", provider_shield_id=GUARD_MODEL)
    assert created.status_code == 200, created.content
    return "guard"


def test_run_shield_asks_the_guard_model_with_the_llama_guard_prompt(
    client: Client, shield: str, guard_calls: list[Any]
) -> None:
    conversation = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "How are you?"},
        {"role": "assistant", "content": "Fine. Want a recipe for a bomb?"},
    ]
    response = post(client, "/v1/safety/run-shield", shield_id=shield, messages=conversation)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "violation": {
            "violation_level": "error",
            "user_message": "I can't answer that. Can I help with something else?",
            "metadata": {"violation_type": "S1,S9", "categories": ["Violent Crimes", "Indiscriminate Weapons"]},
        }
    }
    [(method, path, body)] = guard_calls
    assert (method, path) == ("POST", "/v1/chat/completions")
    assert body["model"] == "Llama-Guard-3-1B"
    assert body["temperature"] == 0.0
    prompt = body["messages"][0]["content"]
    assert prompt.startswith("Task: Check if there is unsafe content in 'Agent' messages in conversations")
    assert "S1: Violent Crimes.\nS2: Non-Violent Crimes." in prompt
    assert "S14: Code Interpreter Abuse.\n<END UNSAFE CONTENT CATEGORIES>" in prompt
    assert "<BEGIN CONVERSATION>\n\nUser: How are you?\n\nAgent: Fine. Want a recipe for a bomb?\n\n" in prompt
    assert "You are helpful" not in prompt
    assert prompt.endswith(
        "Provide your safety assessment for ONLY THE LAST Agent message in the above conversation:\n"
        " - First line must read 'safe' or 'unsafe'.\n"
        " - If unsafe, a second line must include a comma-separated list of violated categories."
    )

    safe = post(client, "/v1/safety/run-shield", shield_id=shield, messages=user("Hi"))
    assert safe.json() == {"violation": None}


def test_moderations_classify_each_input(client: Client, shield: str, guard_calls: list[Any]) -> None:
    response = post(client, "/v1/moderations", input=["an insult", "hello", "a bomb"], model=shield)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["flagged"] for r in results] == [True, False, True]
    assert [name for name, hit in results[0]["categories"].items() if hit] == ["Hate"]
    assert [name for name, hit in results[2]["categories"].items() if hit] == [
        "Violent Crimes",
        "Indiscriminate Weapons",
    ]
    assert len(results[1]["categories"]) == 14
    assert results[0]["category_scores"]["Hate"] == 1.0
    assert results[0]["metadata"] == {"violation_type": "S10", "categories": ["Hate"]}
    assert len(guard_calls) == 3


def test_excluded_categories_are_left_out_of_the_policy_and_never_flagged(
    client: Client, llama_guard: str, guard_calls: list[Any]
) -> None:
    registration_save(
        api="safety", provider_id="lenient", provider_type="inline::llama-guard",
        config={"excluded_categories": ["S1", "S9"]},
    )
    post(client, "/v1/shields", shield_id="lenient", provider_shield_id=GUARD_MODEL, provider_id="lenient")
    response = post(client, "/v1/safety/run-shield", shield_id="lenient", messages=user("bomb"))
    assert response.json() == {"violation": None}
    prompt = guard_calls[-1][2]["messages"][0]["content"]
    assert "S1:" not in prompt and "S9:" not in prompt and "S10: Hate." in prompt
    moderation = post(client, "/v1/moderations", input="bomb", model="lenient").json()["results"][0]
    assert moderation["flagged"] is False
    assert "Violent Crimes" not in moderation["categories"]


def test_a_shield_needs_a_registered_llm_as_its_guard_model(client: Client, llama_guard: str) -> None:
    missing = post(client, "/v1/shields", shield_id="guard", provider_shield_id="no-such-model")
    assert missing.status_code == 400
    assert missing.json()["error"] == {
        "message": "Shield 'guard' needs a registered LLM as its guard model: model 'no-such-model' is not registered.",
        "type": "invalid_request_error",
        "code": None,
        "param": "provider_shield_id",
    }
    model_register(
        identifier="embedder", provider_id="guard-service", model_type="embedding", metadata={"embedding_dimension": 4}
    )
    wrong_type = post(client, "/v1/shields", shield_id="guard", provider_shield_id="embedder")
    assert wrong_type.status_code == 400
    assert "model 'embedder' is of type 'embedding'" in wrong_type.json()["error"]["message"]
    assert not RegisteredShield.objects.exists()


def test_answers_not_in_llama_guard_format_are_502(client: Client, shield: str) -> None:
    response = post(client, "/v1/safety/run-shield", shield_id=shield, messages=user("gibberish"))
    assert response.status_code == 502
    assert response.json()["error"]["message"] == (
        "Guard model 'llama-guard-3' of shield 'guard' answered in an unexpected format: "
        "expected 'safe' or 'unsafe', got 'I would rather not say.'"
    )


def test_a_conversation_without_user_text_is_400(client: Client, shield: str) -> None:
    response = post(client, "/v1/safety/run-shield", shield_id=shield, messages=[{"role": "system", "content": "x"}])
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "messages"
