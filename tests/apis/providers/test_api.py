"""GET /v1/providers and /v1/providers/{id} through the real router."""

import pytest
from django.test import Client

from apis.providers.services import registration_save

pytestmark = pytest.mark.django_db

SECRET = "sk-listing-secret"


@pytest.fixture
def registered() -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"prefix": ">", "api_key": SECRET})
    registration_save(api="inference", provider_id="half", provider_type="remote::half", module="incomplete_provider",
                      config={})


def test_list_shows_config_with_masked_secrets_and_health(client: Client, registered: None) -> None:
    response = client.get("/v1/providers")
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    by_id = {item["provider_id"]: item for item in response.json()["data"]}
    assert by_id["ext"] == {
        "api": "inference",
        "provider_id": "ext",
        "provider_type": "remote::my-ext",
        "config": {"prefix": ">", "api_key": "********"},
        "health": {"status": "OK", "message": ""},
    }
    assert by_id["half"]["health"]["status"] == "Error"
    assert "openai_embeddings" in by_id["half"]["health"]["message"]


def test_get_one_provider_and_unknown_is_404(client: Client, registered: None) -> None:
    response = client.get("/v1/providers/ext")
    assert response.status_code == 200
    assert response.json()["config"]["api_key"] == "********"
    missing = client.get("/v1/providers/unknown")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Provider 'unknown' not found."
