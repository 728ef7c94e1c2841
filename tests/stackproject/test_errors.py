"""Every error under the API prefixes has the OpenAI error body, unknown routes and methods included."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_error_body(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "code", "param"}
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("path", ["/v1/no-such-route", "/v1alpha/nothing", "/v1beta/x/y", "/v1/openai/v1/nothing"])
def test_unknown_route_is_a_json_404(client: Client, path: str) -> None:
    error = assert_error_body(client.get(path), 404)
    assert path in error["message"]


def test_wrong_method_is_a_json_405(client: Client) -> None:
    response = client.delete("/v1/health")
    error = assert_error_body(response, 405)
    assert error["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_unknown_id_is_a_404_naming_it(client: Client) -> None:
    error = assert_error_body(client.get("/v1/providers/nope"), 404)
    assert error["message"] == "Provider 'nope' not found."
    assert error["code"] == "not_found"


def test_validation_error_is_a_400_naming_the_field(client: Client) -> None:
    error = assert_error_body(client.get("/v1/inspect/routes?api_filter=v9"), 400)
    assert error["param"] == "api_filter"
    assert error["message"].startswith("Invalid value for 'api_filter'")


def test_pages_outside_the_api_keep_django_behaviour(client: Client) -> None:
    response = client.get("/not-the-api/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
