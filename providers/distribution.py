"""The distribution config: a YAML file in the shape of Llama Stack's run config.

`${env.NAME}` (required), `${env.NAME:=default}` (default when unset or empty) and
`${env.NAME:+value}` (value only when set) are substituted from the environment; a provider whose
`provider_id` renders empty is left out.
"""

import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV_PATTERN = re.compile(r"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?:(:=|:\+)([^}]*))?\}")


class DistributionConfigError(ValueError):
    """The distribution config cannot be read or does not have the expected shape."""


class ProviderEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_id: str = Field(description="Unique id of the provider; empty means the provider is disabled.")
    provider_type: str
    module: str = ""
    config: dict[str, Any] = Field(default_factory=dict)


class DistributionConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: int = 2
    image_name: str = ""
    apis: list[str] = Field(default_factory=list)
    providers: dict[str, list[ProviderEntry]] = Field(default_factory=dict)
    registered_resources: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    server: dict[str, Any] = Field(default_factory=dict)

    def enabled_providers(self) -> list[tuple[str, ProviderEntry]]:
        return [(api, entry) for api, entries in self.providers.items() for entry in entries if entry.provider_id]

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def substitute_env(value: Any, environ: Mapping[str, str] | None = None) -> Any:
    """`value` with every `${env...}` form replaced, recursively through lists and dicts."""
    environ = os.environ if environ is None else environ
    if isinstance(value, dict):
        return {key: substitute_env(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_env(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        name, operator, argument = match.group(1), match.group(2), match.group(3) or ""
        current = environ.get(name, "")
        if operator == ":=":
            return current or argument
        if operator == ":+":
            return argument if current else ""
        if name not in environ:
            raise DistributionConfigError(
                f"Environment variable '{name}' is not set (use ${{env.{name}:=default}} for a default)."
            )
        return current

    return ENV_PATTERN.sub(replace, value)


def parse_distribution(
    text: str, environ: Mapping[str, str] | None = None, source: str = "config"
) -> DistributionConfig:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise DistributionConfigError(f"{source} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise DistributionConfigError(f"{source} must be a mapping at the top level.")
    try:
        return DistributionConfig.model_validate(substitute_env(raw, environ))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise DistributionConfigError(f"{source} is invalid: {problems}") from exc


def load_distribution(path: Path, environ: Mapping[str, str] | None = None) -> DistributionConfig:
    try:
        text = path.read_text()
    except OSError as exc:
        raise DistributionConfigError(f"Cannot read the distribution config {path}: {exc}") from exc
    return parse_distribution(text, environ, source=str(path))
