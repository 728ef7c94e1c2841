"""Authentication of API requests: API keys, an external auth endpoint, or OAuth2 JWT bearer tokens."""

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
import jwt
from django.core.cache import cache
from django.http import HttpRequest

from apis.access.config import ApiKeysAuth, CustomAuth, OAuth2TokenAuth, server_config
from apis.access.identity import User
from apis.access.services import api_key_lookup, normalize_attributes, user_of_key
from apis.common.errors import AuthenticationError, ServiceUnavailableError

logger = logging.getLogger(__name__)

JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"]


@dataclass(frozen=True)
class Authenticated:
    user: User
    # What quotas are counted against, and the per-key limits when the key has its own.
    quota_subject: str
    per_minute: int | None = None
    per_day: int | None = None
    api_key_id: int | None = None


def bearer_token(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Missing credentials: send 'Authorization: Bearer <key>'.")
    return token.strip()


def _with_api_keys(token: str) -> Authenticated:
    row = api_key_lookup(token)
    if row is None:
        raise AuthenticationError("Invalid API key.")
    return Authenticated(
        # Counted by the key's own hash: a primary key can come back (a restored or recreated database).
        user=user_of_key(row), quota_subject=f"key:{row.key_hash[:24]}", per_minute=row.requests_per_minute,
        per_day=row.requests_per_day, api_key_id=row.pk,
    )


def _with_custom(config: CustomAuth, token: str, request: HttpRequest) -> Authenticated:
    cache_key = "auth:custom:" + hashlib.sha256(f"{config.endpoint}\n{token}".encode()).hexdigest()
    cached = cache.get(cache_key) if config.cache_ttl_seconds else None
    if cached is None:
        headers = {name: value for name, value in request.headers.items() if name.lower() != "authorization"}
        payload = {"api_key": token, "request": {"path": request.path, "headers": headers, "params": dict(request.GET)}}
        try:
            response = httpx.post(config.endpoint, json=payload, timeout=config.timeout_seconds)
        except httpx.HTTPError as exc:
            logger.warning("Auth endpoint %s unreachable: %s", config.endpoint, exc)
            raise ServiceUnavailableError("The authentication service is unavailable.") from exc
        if response.status_code in (401, 403):
            raise AuthenticationError("Invalid credentials.")
        if response.status_code != 200:
            raise ServiceUnavailableError(f"The authentication service answered {response.status_code}.")
        try:
            body = response.json()
            attributes = normalize_attributes(body.get("attributes") or {})
            cached = {"principal": str(body["principal"]), "attributes": attributes}
        except (ValueError, KeyError, TypeError) as exc:
            raise ServiceUnavailableError("The authentication service gave an answer that cannot be used.") from exc
        if not cached["principal"]:
            raise AuthenticationError("Invalid credentials.")
        if config.cache_ttl_seconds:
            cache.set(cache_key, cached, timeout=config.cache_ttl_seconds)
    user = User(cached["principal"], cached["attributes"])
    return Authenticated(user=user, quota_subject=f"user:{user.principal}")


@lru_cache(maxsize=8)
def _jwks_client(uri: str, lifespan: int) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(uri, cache_keys=True, lifespan=lifespan, timeout=5)


def _claim_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, str):
        return value.split() if " " in value else [value]
    return [str(value)]


def _with_oauth2(config: OAuth2TokenAuth, token: str) -> Authenticated:
    client = _jwks_client(config.jwks.uri, config.jwks.key_recheck_period)
    try:
        signing_key = client.get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError as exc:
        logger.warning("JWKS %s unreachable: %s", config.jwks.uri, exc)
        raise ServiceUnavailableError("The token verification keys cannot be fetched.") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"Invalid token: {exc}") from exc
    try:
        claims = jwt.decode(
            token, signing_key.key, algorithms=JWT_ALGORITHMS, audience=config.audience, issuer=config.issuer,
            options={"verify_aud": config.audience is not None, "require": ["exp"]},
        )
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"Invalid token: {exc}") from exc
    principal = str(claims.get(config.principal_claim) or "")
    if not principal:
        raise AuthenticationError(f"Invalid token: no '{config.principal_claim}' claim.")
    attributes: dict[str, list[str]] = {}
    for claim, kind in config.claims_mapping.items():
        for value in _claim_values(claims.get(claim)):
            if value not in attributes.setdefault(kind, []):
                attributes[kind].append(value)
    return Authenticated(user=User(principal, attributes), quota_subject=f"user:{principal}")


def authenticate(request: HttpRequest) -> Authenticated | None:
    """Who sent the request; None when authentication is off. Raises 401 or 503 errors."""
    provider = server_config().auth.provider_config
    if provider is None:
        return None
    token = bearer_token(request)
    if isinstance(provider, ApiKeysAuth):
        return _with_api_keys(token)
    if isinstance(provider, CustomAuth):
        return _with_custom(provider, token, request)
    return _with_oauth2(provider, token)
