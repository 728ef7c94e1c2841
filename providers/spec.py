"""`ProviderSpec`: what a provider type is, which API it serves and how to build it."""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PROVIDER_TYPE = re.compile(r"^(inline|remote)::[a-z0-9][a-z0-9._-]*$")


class Api(StrEnum):
    """The APIs that providers implement."""

    inference = "inference"
    models = "models"
    files = "files"
    batches = "batches"
    safety = "safety"
    shields = "shields"
    vector_io = "vector_io"
    vector_dbs = "vector_dbs"
    tool_runtime = "tool_runtime"
    tool_groups = "tool_groups"
    datasetio = "datasetio"
    datasets = "datasets"
    scoring = "scoring"
    scoring_functions = "scoring_functions"
    eval = "eval"
    benchmarks = "benchmarks"
    inspect = "inspect"
    providers = "providers"


class ProviderSpecError(ValueError):
    """A provider spec that does not describe a usable provider."""


@dataclass(frozen=True)
class ProviderSpec:
    """A provider type.

    `module` must expose `get_provider_impl(config, deps) -> impl`, where `config` is an instance of
    `config_class` and `deps` maps each API named in `api_dependencies` (and each available one of
    `optional_api_dependencies`) to the object implementing that API.
    """

    api: Api
    provider_type: str
    module: str
    config_class: str
    api_dependencies: tuple[Api, ...] = ()
    optional_api_dependencies: tuple[Api, ...] = ()
    pip_packages: tuple[str, ...] = ()
    description: str = ""
    deprecation_warning: str | None = None
    deprecation_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.api, Api):
            try:
                object.__setattr__(self, "api", Api(self.api))
            except ValueError as exc:
                raise ProviderSpecError(f"Unknown API '{self.api}' in provider spec '{self.provider_type}'.") from exc
        if not PROVIDER_TYPE.match(self.provider_type):
            raise ProviderSpecError(
                f"Invalid provider_type '{self.provider_type}': expected 'inline::<name>' or 'remote::<name>'."
            )
        if not self.module or not self.config_class:
            raise ProviderSpecError(f"Provider spec '{self.provider_type}' needs a module and a config_class.")
        for name in ("api_dependencies", "optional_api_dependencies", "pip_packages"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        deps = tuple(Api(dep) for dep in self.api_dependencies)
        optional = tuple(Api(dep) for dep in self.optional_api_dependencies)
        object.__setattr__(self, "api_dependencies", deps)
        object.__setattr__(self, "optional_api_dependencies", optional)

    @property
    def is_remote(self) -> bool:
        return self.provider_type.startswith("remote::")
