"""Scoring functions under authentication: the providers' own are everyone's, a registered one is its owner's."""

import pytest
from django.core.cache import cache
from django.test import Client

from apis.access.services import api_key_create
from tests.apis.datasets.support import distribution, post

pytestmark = pytest.mark.django_db


def test_a_registered_function_is_invisible_to_others(client: Client, stack_config) -> None:
    cache.clear()
    stack_config(distribution(extra="server: {auth: {provider_config: {type: api_keys}}}"))
    alice = {"Authorization": f"Bearer {api_key_create(principal='alice', attributes={'teams': ['ml']}).key}"}
    bob = {"Authorization": f"Bearer {api_key_create(principal='bob', attributes={'teams': ['web']}).key}"}
    created = post(client, "/v1/scoring-functions", {
        "scoring_fn_id": "mine", "description": "d", "return_type": {"type": "number"},
        "provider_id": "basic", "provider_scoring_fn_id": "basic::equality",
    }, **alice)
    assert created.status_code == 200, created.content

    listed = [fn["identifier"] for fn in client.get("/v1/scoring-functions", headers=bob).json()["data"]]
    assert "mine" not in listed
    assert "basic::equality" in listed
    assert client.get("/v1/scoring-functions/mine", headers=bob).status_code == 404
    assert client.delete("/v1/scoring-functions/mine", headers=bob).status_code == 404
    rows = [{"generated_answer": "a", "expected_answer": "a"}]
    refused = post(client, "/v1/scoring/score", {"input_rows": rows, "scoring_functions": {"mine": None}}, **bob)
    assert refused.status_code == 404
    assert refused.json()["error"]["message"] == "Scoring function 'mine' not found."
    # The providers' own functions are unowned: open to everyone.
    shared = post(client, "/v1/scoring/score", {"input_rows": rows, "scoring_functions": {"basic::equality": None}},
                  **bob)
    assert shared.json()["results"]["basic::equality"]["aggregated_results"]["accuracy"] == 1.0
    mine = post(client, "/v1/scoring/score", {"input_rows": rows, "scoring_functions": {"mine": None}}, **alice)
    assert mine.status_code == 200
