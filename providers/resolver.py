"""The resolver: builds the running provider instances from the enabled registrations.

Providers are instantiated in dependency order (a topological sort over their API dependencies),
each config validated against its config class and each instance checked against its API's protocol.
A registration that fails is recorded with its error and never stops the others. The result is
cached per process and rebuilt when the registry version in the database changes, so an edit made in
the admin is seen by every web process and worker on its next request.
"""

import asyncio
import importlib
import inspect
import logging
import threading
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Any

from asgiref.sync import sync_to_async
from django.apps import apps
from django.utils.module_loading import import_string
from pydantic import BaseModel, ValidationError

from apis.common.apps import StackApiConfig
from apis.common.errors import ProviderConfigError, ProviderNotFoundError, ServiceUnavailableError
from providers.registry import resolve_spec
from providers.secrets import decrypt_config
from providers.spec import Api, ProviderSpec, ProviderSpecError

logger = logging.getLogger(__name__)

# The protocol each provider of an API must implement.
PROVIDER_PROTOCOLS: dict[str, str] = {
    Api.inference: "apis.inference.protocol.InferenceProvider",
    Api.files: "apis.files.protocol.Files",
    Api.batches: "apis.batches.protocol.Batches",
    Api.safety: "apis.safety.protocol.SafetyProvider",
    Api.vector_io: "apis.vector_io.protocol.VectorIOProvider",
    Api.tool_runtime: "apis.tool_runtime.protocol.ToolRuntimeProvider",
    Api.datasetio: "apis.datasetio.protocol.DatasetIOProvider",
    Api.scoring: "apis.scoring.protocol.ScoringProvider",
    Api.eval: "apis.eval.protocol.EvalProvider",
}

# Routing-table APIs are served by the providers of another API.
ROUTING_TABLE_APIS: dict[str, str] = {
    Api.models: Api.inference,
    Api.shields: Api.safety,
    Api.vector_dbs: Api.vector_io,
    Api.tool_groups: Api.tool_runtime,
    Api.datasets: Api.datasetio,
    Api.scoring_functions: Api.scoring,
    Api.benchmarks: Api.eval,
}

HEALTH_TIMEOUT_SECONDS = 3.0


@dataclass
class ProviderHandle:
    """A registration as this process runs it: the instance, or the error that prevented it."""

    provider_id: str
    api: str
    provider_type: str
    module: str
    spec: ProviderSpec | None
    config: BaseModel | None
    impl: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.impl is not None


@dataclass
class ProviderStack:
    version: int
    handles: dict[str, ProviderHandle] = field(default_factory=dict)

    def for_api(self, api: str) -> list[ProviderHandle]:
        return [h for h in self.handles.values() if h.api == api and h.ok]

    def get(self, provider_id: str) -> ProviderHandle:
        handle = self.handles.get(provider_id)
        if handle is None:
            raise ProviderNotFoundError(provider_id)
        if not handle.ok:
            raise ServiceUnavailableError(f"Provider '{provider_id}' is not available: {handle.error}")
        return handle

    def impl(self, provider_id: str) -> Any:
        return self.get(provider_id).impl

    def only(self, api: str) -> ProviderHandle:
        """The single provider of an API that has exactly one (files, batches)."""
        handles = self.for_api(api)
        if not handles:
            failed = [h for h in self.handles.values() if h.api == api]
            detail = f": {failed[0].error}" if failed else ""
            raise ServiceUnavailableError(f"No provider is available for the {api} API{detail}")
        return handles[0]


def api_impl(api: str) -> Any:
    """The object that implements an API for the routes (and for providers depending on it)."""
    for config in apps.get_app_configs():
        if isinstance(config, StackApiConfig) and config.api == api:
            return config.get_impl()
    return None


def validate_config(spec: ProviderSpec, raw: dict[str, Any]) -> BaseModel:
    """The registration's config as an instance of the spec's config class; errors name the field."""
    config_class = import_string(spec.config_class)
    try:
        return config_class.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'config'}: {error['msg']}" for error in exc.errors()
        )
        raise ProviderConfigError(f"Invalid config for provider type '{spec.provider_type}': {problems}") from exc


def check_protocol(api: str, impl: Any) -> None:
    protocol_path = PROVIDER_PROTOCOLS.get(api)
    if protocol_path is None:
        return
    protocol = import_string(protocol_path)
    missing = [
        name
        for name, member in inspect.getmembers(protocol, inspect.isfunction)
        if not name.startswith("_") and not callable(getattr(impl, name, None))
    ]
    if missing:
        raise ProviderConfigError(
            f"{type(impl).__name__} does not implement {protocol.__name__}: missing {', '.join(sorted(missing))}."
        )


def dependency_order(handles: list[ProviderHandle]) -> list[ProviderHandle]:
    """Handles sorted so that the providers of an API come after those of the APIs it depends on.

    A handle whose dependencies are missing or form a cycle gets an error and is left out.
    """
    provided = {h.api for h in handles}
    graph: dict[str, set[str]] = {}
    for handle in handles:
        assert handle.spec is not None
        needs = graph.setdefault(handle.api, set())
        missing = []
        for dep in handle.spec.api_dependencies:
            backing = ROUTING_TABLE_APIS.get(dep, dep)
            if backing not in provided:
                missing.append(dep if backing == dep else f"{dep} (served by {backing} providers)")
            elif backing != handle.api:
                needs.add(backing)
        if missing:
            handle.error = (
                f"Provider '{handle.provider_id}' needs APIs that no enabled provider serves: {', '.join(missing)}."
            )
        for dep in handle.spec.optional_api_dependencies:
            backing = ROUTING_TABLE_APIS.get(dep, dep)
            if backing in provided and backing != handle.api:
                needs.add(backing)
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        for handle in handles:
            if handle.api in exc.args[1]:
                handle.error = f"Dependency cycle between APIs: {cycle}."
        remaining = [h for h in handles if h.error is None]
        return dependency_order(remaining) if len(remaining) < len(handles) else []
    rank = {api: index for index, api in enumerate(order)}
    return sorted((h for h in handles if h.error is None), key=lambda h: (rank[h.api], h.provider_id))


def instantiate(handle: ProviderHandle) -> None:
    assert handle.spec is not None and handle.config is not None
    deps = {}
    for dep in (*handle.spec.api_dependencies, *handle.spec.optional_api_dependencies):
        impl = api_impl(dep)
        if impl is not None:
            deps[dep] = impl
    module = importlib.import_module(handle.spec.module)
    impl = module.get_provider_impl(handle.config, deps)
    check_protocol(handle.api, impl)
    handle.impl = impl


def build_stack(registrations: list[Any], version: int) -> ProviderStack:
    """Instantiate the given registrations (ProviderRegistration rows)."""
    stack = ProviderStack(version=version)
    candidates = []
    for registration in registrations:
        handle = ProviderHandle(
            provider_id=registration.provider_id,
            api=registration.api,
            provider_type=registration.provider_type,
            module=registration.module,
            spec=None,
            config=None,
        )
        stack.handles[handle.provider_id] = handle
        try:
            handle.spec = resolve_spec(registration.api, registration.provider_type, registration.module)
            if handle.spec.deprecation_error:
                raise ProviderConfigError(handle.spec.deprecation_error)
            if handle.spec.deprecation_warning:
                logger.warning("Provider '%s': %s", handle.provider_id, handle.spec.deprecation_warning)
            config_class = import_string(handle.spec.config_class)
            handle.config = validate_config(handle.spec, decrypt_config(config_class, registration.config))
        except (ProviderSpecError, ProviderConfigError, ValueError, ImportError) as exc:
            handle.error = str(exc)
            logger.error("Provider '%s' cannot be used: %s", handle.provider_id, exc)
            continue
        candidates.append(handle)
    for handle in dependency_order(candidates):
        try:
            instantiate(handle)
        except Exception as exc:  # a provider's own constructor may fail in any way
            handle.error = str(exc) or type(exc).__name__
            logger.exception("Provider '%s' failed to start", handle.provider_id)
    for handle in candidates:
        if handle.error and handle.impl is None:
            logger.error("Provider '%s' is not available: %s", handle.provider_id, handle.error)
    return stack


_lock = threading.Lock()
_current: ProviderStack | None = None


def get_stack() -> ProviderStack:
    """The providers of this process, rebuilt when the registry version has moved."""
    global _current
    from apis.providers.models import ProviderRegistration, RegistryState
    from apis.providers.services import stack_config_ensure_applied

    version = RegistryState.current_version()
    if _current is not None and _current.version == version:
        return _current
    with _lock:
        stack_config_ensure_applied()
        version = RegistryState.current_version()
        if _current is not None and _current.version == version:
            return _current
        registrations = list(ProviderRegistration.objects.filter(enabled=True))
        _current = build_stack(registrations, version)
        return _current


def current_stack() -> ProviderStack | None:
    """The providers this process runs now, without checking the registry version (None before the first build)."""
    return _current


async def aget_stack() -> ProviderStack:
    from apis.providers.models import RegistryState

    current = _current
    if current is not None and current.version == await RegistryState.acurrent_version():
        return current
    return await sync_to_async(get_stack)()


def reset() -> None:
    """Forget this process's providers (tests call this between databases)."""
    global _current
    from apis.providers import services

    with _lock:
        _current = None
        services.forget_applied_config()


async def check_health(handle: ProviderHandle, timeout: float = HEALTH_TIMEOUT_SECONDS) -> dict[str, str]:
    if not handle.ok:
        return {"status": "Error", "message": handle.error or "not available"}
    health = getattr(handle.impl, "health", None)
    if health is None:
        return {"status": "Not Implemented", "message": "This provider does not report its health."}
    try:
        result = await asyncio.wait_for(health(), timeout)
    except TimeoutError:
        return {"status": "Error", "message": f"Health check timed out after {timeout:g}s."}
    except Exception as exc:  # the provider's health check may fail in any way; that is its answer
        return {"status": "Error", "message": str(exc) or type(exc).__name__}
    return {"status": result.get("status", "OK"), "message": result.get("message", "")}
