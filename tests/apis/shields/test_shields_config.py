"""`registered_resources.shields` of the distribution config: applied at start, exported, told to providers lazily."""

import pytest
import yaml
from django.test import Client

from apis.providers.services import stack_config_apply, stack_config_export
from apis.shields.models import RegisteredShield
from providers.distribution import parse_distribution

pytestmark = pytest.mark.django_db

CONFIG = """
providers:
  safety:
    - {provider_id: regex, provider_type: "inline::regex", config: {categories: {violence: [bomb], pii: [ssn]}}}
registered_resources:
  shields:
%s
"""
SHIELDS = """
    - {shield_id: from-config, params: {categories: [violence]}}
    - {shield_id: elsewhere, provider_id: nope}
    - {shield_id: typo, colour: red}
"""


def test_config_shields_are_applied_at_start_and_bad_entries_reported(client: Client, stack_config) -> None:
    stack_config(CONFIG % SHIELDS)
    listed = client.get("/v1/shields").json()["data"]
    assert listed == [
        {
            "identifier": "from-config",
            "provider_resource_id": "from-config",
            "provider_id": "regex",
            "type": "shield",
            "params": {"categories": ["violence"]},
        }
    ]
    assert RegisteredShield.objects.get().source == "config"
    result = stack_config_apply(config=parse_distribution(CONFIG % SHIELDS), force=True)
    assert result.errors == [
        "registered_resources.shields[1] ('elsewhere'): Provider 'nope' is not an enabled safety provider. "
        "Safety providers: regex.",
        "registered_resources.shields[2] ('typo'): colour: Extra inputs are not permitted",
    ]
    exported = yaml.safe_load(stack_config_export())["registered_resources"]["shields"]
    assert exported == [
        {
            "shield_id": "from-config",
            "provider_id": "regex",
            "provider_shield_id": "from-config",
            "params": {"categories": ["violence"]},
        }
    ]


def test_config_changes_update_and_remove_config_shields_but_never_registered_ones(
    client: Client, stack_config
) -> None:
    stack_config(CONFIG % "    - {shield_id: a}\n    - {shield_id: b}")
    client.get("/v1/shields")
    assert client.post("/v1/shields", {"shield_id": "mine"}, content_type="application/json").status_code == 200
    stack_config(CONFIG % "    - {shield_id: a, params: {categories: [pii]}}\n    - {shield_id: mine, params: {x: 1}}")
    listed = {s["identifier"]: s["params"] for s in client.get("/v1/shields").json()["data"]}
    assert listed == {"a": {"categories": ["pii"]}, "mine": {}}
    assert dict(RegisteredShield.objects.values_list("identifier", "source")) == {"a": "config", "mine": "api"}


def test_providers_learn_of_config_shields_before_running_them(client: Client, stack_config) -> None:
    # The config is applied while the providers are built, so the provider first sees this shield
    # (and refuses its unknown category) when asked to run it.
    stack_config(CONFIG % "    - {shield_id: odd, params: {categories: [spam]}}")
    assert client.get("/v1/shields/odd").status_code == 200
    response = client.post(
        "/v1/safety/run-shield",
        {"shield_id": "odd", "messages": [{"role": "user", "content": "hi"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Unknown categories spam; this provider has: pii, violence."
