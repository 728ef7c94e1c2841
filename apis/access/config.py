"""The `server` section of the distribution config: authentication, access policy and quotas."""

import time
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field

from providers.distribution import load_distribution

DEFAULT_CLAIMS_MAPPING = {
    "sub": "roles",
    "username": "roles",
    "groups": "teams",
    "team": "teams",
    "project": "projects",
    "tenant": "namespaces",
    "namespace": "namespaces",
}


class ApiKeysAuth(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["api_keys"]


class CustomAuth(BaseModel):
    """An external endpoint that is given the key and the request, and answers who it is."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["custom"]
    endpoint: str
    cache_ttl_seconds: int = Field(default=30, ge=0)
    timeout_seconds: float = Field(default=5.0, gt=0)


class JwksConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uri: str
    key_recheck_period: int = Field(default=3600, ge=1)


class OAuth2TokenAuth(BaseModel):
    """OAuth2 JWT bearer tokens verified against a JWKS; claims mapped to attributes."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["oauth2_token"]
    jwks: JwksConfig
    issuer: str | None = None
    audience: str | None = None
    principal_claim: str = "sub"
    claims_mapping: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_CLAIMS_MAPPING))


AuthProviderConfig = Annotated[ApiKeysAuth | CustomAuth | OAuth2TokenAuth, Field(discriminator="type")]


class AuthConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_config: AuthProviderConfig | None = None
    access_policy: list[dict[str, Any]] = Field(default_factory=list)
    route_policy: list[dict[str, Any]] = Field(default_factory=list)


class QuotaConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    requests_per_minute: int | None = Field(default=None, ge=1)
    requests_per_day: int | None = Field(default=None, ge=1)


class ServerConfig(BaseModel):
    model_config = ConfigDict(extra="allow")
    port: int | None = None
    auth: AuthConfig = Field(default_factory=AuthConfig)
    quota: QuotaConfig = Field(default_factory=QuotaConfig)


@lru_cache(maxsize=8)
def _server_config(path: str, modified: int) -> ServerConfig:
    return ServerConfig.model_validate(load_distribution(Path(path)).server)


# Every API request reads the server config: the file is looked at again at most this often.
CONFIG_RECHECK_SECONDS = 1.0
_config_file: tuple[str, float, int] | None = None  # (path, when looked at, modification time)


def server_config() -> ServerConfig:
    """The `server` section of STACK_CONFIG (re-read within CONFIG_RECHECK_SECONDS of a change)."""
    global _config_file
    path = str(settings.STACK_CONFIG)
    now = time.monotonic()
    seen = _config_file
    if seen is None or seen[0] != path or now - seen[1] >= CONFIG_RECHECK_SECONDS:
        seen = _config_file = (path, now, Path(path).stat().st_mtime_ns)
    return _server_config(path, seen[2])
