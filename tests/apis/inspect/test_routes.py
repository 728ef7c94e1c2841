"""The inspect API through the real router: route listing and its filters, health, version."""

import pytest
from django.test import Client

from apis.providers.services import registration_save
from stackproject.api import api

pytestmark = pytest.mark.django_db


def routes(client: Client, **params: str) -> list[dict]:
    response = client.get("/v1/inspect/routes", params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_lists_every_mounted_route_once_without_deprecated_ones(client: Client) -> None:
    data = routes(client)
    listed = {(route["method"], route["route"]) for route in data}
    assert ("GET", "/v1/inspect/routes") in listed
    assert ("GET", "/v1/health") in listed
    assert ("GET", "/v1/providers/{provider_id}") in listed
    assert len(listed) == len(data)
    assert not any(route["deprecated"] for route in data)
    assert not any(route["route"].startswith("/v1/openai/v1") for route in data)
    expected = sum(
        len(operation.methods)
        for mount in api.mounts
        if not mount.deprecated
        for view in mount.router.path_operations.values()
        for operation in view.operations
        if not operation.deprecated
    )
    assert len(data) == expected


def test_level_filters_keep_only_that_level(client: Client) -> None:
    for level in ("v1", "v1alpha", "v1beta"):
        data = routes(client, api_filter=level)
        assert all(route["level"] == level for route in data)
        assert all(route["route"].startswith(f"/{level}/") for route in data)
    assert routes(client, api_filter="v1")


def test_deprecated_filter_lists_the_legacy_openai_prefix(client: Client) -> None:
    data = routes(client, api_filter="deprecated")
    assert all(route["deprecated"] for route in data)
    legacy = {(route["method"], route["route"]) for route in data if route["route"].startswith("/v1/openai/v1/")}
    for method, path in [("POST", "/chat/completions"), ("GET", "/models"), ("POST", "/files"), ("POST", "/batches")]:
        assert (method, "/v1/openai/v1" + path) in legacy


def test_provider_types_of_the_api_are_listed(client: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={})
    by_route = {(route["method"], route["route"]): route for route in routes(client)}
    providers_route = by_route[("GET", "/v1/providers")]
    assert providers_route["provider_types"] == []
    models_routes = [route for route in by_route.values() if route["route"].startswith("/v1/models")]
    for route in models_routes:
        assert route["provider_types"] == ["remote::my-ext"]


def test_unknown_filter_is_a_400_naming_the_field(client: Client) -> None:
    response = client.get("/v1/inspect/routes", {"api_filter": "v2"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "api_filter"
    assert "api_filter" in error["message"]
    assert error["type"] == "invalid_request_error"


def test_health_and_version(client: Client, settings) -> None:
    assert client.get("/v1/health").json() == {"status": "OK"}
    assert client.get("/v1/version").json() == {"version": settings.STACK_VERSION}
