"""Authentication of API requests through the real middleware and router: keys, endpoint, JWKS, quotas."""

import hashlib
import json
import time
from io import StringIO

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from apis.access.authentication import _with_oauth2
from apis.access.config import OAuth2TokenAuth
from apis.access.models import ApiKey
from apis.access.services import api_key_create
from tests.support.http import json_server
from tests.support.server import free_port

pytestmark = pytest.mark.django_db

API_KEYS = "server: {auth: {provider_config: {type: api_keys}}}"


@pytest.fixture(autouse=True)
def clear_cache() -> None:
    cache.clear()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_api_keys_missing_invalid_and_valid(client: Client, stack_config) -> None:
    stack_config(API_KEYS)
    missing = client.get("/v1/providers")
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "authentication_error"
    assert missing["WWW-Authenticate"] == "Bearer"
    assert client.get("/v1/providers", headers=auth("sk-stack-wrong")).status_code == 401
    key = api_key_create(principal="alice", attributes={"teams": ["ml"]}).key
    assert client.get("/v1/providers", headers=auth(key)).status_code == 200


def test_health_version_and_docs_stay_public(client: Client, stack_config) -> None:
    stack_config(API_KEYS)
    for path in ("/v1/health", "/v1/version", "/v1/openapi.json", "/v1/docs"):
        assert client.get(path).status_code == 200, path
    assert client.get("/v1/inspect/routes").status_code == 401


def test_revoked_keys_are_refused(client: Client, stack_config) -> None:
    stack_config(API_KEYS)
    created = api_key_create(principal="alice")
    ApiKey.objects.filter(pk=created.api_key.pk).update(revoked=True)
    assert client.get("/v1/providers", headers=auth(created.key)).status_code == 401


def test_keys_are_stored_hashed() -> None:
    created = api_key_create(principal="alice", attributes={"roles": "admin"})
    row = ApiKey.objects.get(pk=created.api_key.pk)
    stored = json.dumps([getattr(row, field.name) for field in ApiKey._meta.fields], default=str)
    assert created.key not in stored
    assert row.key_hash == hashlib.sha256(created.key.encode()).hexdigest()
    assert row.attributes == {"roles": ["admin"]}


def test_create_api_key_command_prints_the_key_on_its_last_line(client: Client, stack_config) -> None:
    stack_config(API_KEYS)
    out = StringIO()
    call_command("create_api_key", "bob", "--attr", "roles=admin", "--attr", "teams=ml", "--attr", "teams=web",
                 stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert ApiKey.objects.get(principal="bob").attributes == {"roles": ["admin"], "teams": ["ml", "web"]}
    assert client.get("/v1/providers", headers=auth(key)).status_code == 200


def test_quota_per_minute_answers_429_with_retry_after(client: Client, stack_config) -> None:
    stack_config("server: {auth: {provider_config: {type: api_keys}}, quota: {requests_per_minute: 2}}")
    created = api_key_create(principal="alice")
    assert [client.get("/v1/providers", headers=auth(created.key)).status_code for _ in range(2)] == [200, 200]
    refused = client.get("/v1/providers", headers=auth(created.key))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert "2 requests per minute" in refused.json()["error"]["message"]
    assert ApiKey.objects.get(pk=created.api_key.pk).quota_hits == 1
    other = api_key_create(principal="bob").key
    assert client.get("/v1/providers", headers=auth(other)).status_code == 200


def test_per_key_quota_overrides_the_default(client: Client, stack_config) -> None:
    stack_config("server: {auth: {provider_config: {type: api_keys}}, quota: {requests_per_minute: 100}}")
    key = api_key_create(principal="alice", requests_per_day=1).key
    assert client.get("/v1/providers", headers=auth(key)).status_code == 200
    refused = client.get("/v1/providers", headers=auth(key))
    assert refused.status_code == 429
    assert "1 requests per day" in refused.json()["error"]["message"]


def test_route_policy_forbids_paths_by_attribute(client: Client, stack_config) -> None:
    stack_config(
        API_KEYS.replace(
            "}}}",
            "}, route_policy: [{permit: {paths: ['/v1/providers*']}, when: 'user with admin in roles'},"
            " {forbid: {paths: ['/v1/providers*']}}]}}",
        )
    )
    from apis.providers.services import stack_config_ensure_applied

    stack_config_ensure_applied()
    admin_key = api_key_create(principal="alice", attributes={"roles": ["admin"]}).key
    user_key = api_key_create(principal="bob").key
    assert client.get("/v1/providers", headers=auth(admin_key)).status_code == 200
    forbidden = client.get("/v1/providers", headers=auth(user_key))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["type"] == "permission_error"
    assert client.get("/v1/inspect/routes", headers=auth(user_key)).status_code == 200


def test_custom_auth_endpoint_with_cache_and_request_details(client: Client, stack_config) -> None:
    def endpoint(method: str, path: str, body: dict) -> tuple[int, dict]:
        if body["api_key"] == "good-token":
            return 200, {"principal": "carol", "attributes": {"teams": ["ml"]}}
        return 401, {"error": "no"}

    with json_server(endpoint) as url:
        provider = f"{{type: custom, endpoint: '{url}/auth', cache_ttl_seconds: 30}}"
        stack_config(f"server: {{auth: {{provider_config: {provider}}}}}")
        assert client.get("/v1/providers?x=1", headers={**auth("good-token"), "X-Team": "ml"}).status_code == 200
        assert client.get("/v1/providers", headers=auth("good-token")).status_code == 200
        assert client.get("/v1/providers", headers=auth("bad-token")).status_code == 401
        calls = endpoint.calls  # type: ignore[attr-defined]
    assert len(calls) == 2  # the second good request came from the cache
    method, path, body = calls[0]
    assert (method, path) == ("POST", "/auth")
    assert body["request"]["path"] == "/v1/providers"
    assert body["request"]["params"] == {"x": ["1"]}
    assert body["request"]["headers"]["X-Team"] == "ml"
    assert "Authorization" not in body["request"]["headers"]


def test_unreachable_custom_auth_endpoint_is_503(client: Client, stack_config) -> None:
    port = free_port()
    stack_config(f"server: {{auth: {{provider_config: {{type: custom, endpoint: 'http://127.0.0.1:{port}/auth'}}}}}}")
    response = client.get("/v1/providers", headers=auth("token"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


@pytest.fixture
def jwks():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    public.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    with json_server(lambda method, path, body: (200, {"keys": [public]})) as url:
        yield key, f"{url}/jwks.json"


def token(key, **claims) -> str:
    payload = {"sub": "dave", "exp": int(time.time()) + 300, "aud": "stack", "iss": "https://idp.test", **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


def test_oauth2_tokens_are_verified_against_the_jwks(client: Client, stack_config, jwks) -> None:
    key, uri = jwks
    stack_config(
        "server: {auth: {provider_config: {type: oauth2_token, audience: stack, issuer: 'https://idp.test',"
        f" jwks: {{uri: '{uri}'}}}}}}}}"
    )
    assert client.get("/v1/providers", headers=auth(token(key))).status_code == 200
    expired = token(key, exp=int(time.time()) - 10)
    assert client.get("/v1/providers", headers=auth(expired)).status_code == 401
    assert client.get("/v1/providers", headers=auth(token(key, aud="other"))).status_code == 401
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = client.get("/v1/providers", headers=auth(token(stranger)))
    assert forged.status_code == 401
    assert "Invalid token" in forged.json()["error"]["message"]


def test_oauth2_claims_map_to_attributes(jwks) -> None:
    key, uri = jwks
    config = OAuth2TokenAuth.model_validate(
        {"type": "oauth2_token", "jwks": {"uri": uri}, "audience": "stack",
         "claims_mapping": {"groups": "teams", "scope": "roles"}}
    )
    authenticated = _with_oauth2(config, token(key, groups=["ml", "web"], scope="read write"))
    assert authenticated.user.principal == "dave"
    assert authenticated.user.attributes == {"teams": ["ml", "web"], "roles": ["read", "write"]}


def test_unreachable_jwks_is_503(client: Client, stack_config) -> None:
    port = free_port()
    stack_config(
        f"server: {{auth: {{provider_config: {{type: oauth2_token, jwks: {{uri: 'http://127.0.0.1:{port}/j'}}}}}}}}"
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert client.get("/v1/providers", headers=auth(token(key))).status_code == 503
