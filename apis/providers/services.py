"""Writes to the provider registry: registrations, and applying the distribution config."""

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from apis.access.services import access_policy_apply_config
from apis.providers.models import ProviderRegistration, RegistryState
from providers.distribution import DistributionConfig, ProviderEntry, load_distribution
from providers.registry import resolve_spec
from providers.resolver import validate_config
from providers.secrets import decrypt_config, encrypt_config, is_encrypted, secret_fields
from providers.spec import ProviderSpec

logger = logging.getLogger(__name__)

# Appliers of `registered_resources`, by key; each takes the entries and returns how many changed.
RESOURCE_APPLIERS: dict[str, str] = {
    "models": "apis.models.services.models_apply_config",
    "shields": "apis.shields.services.shields_apply_config",
    "vector_dbs": "apis.vector_dbs.services.vector_dbs_apply_config",
    "tool_groups": "apis.tool_groups.services.tool_groups_apply_config",
    "datasets": "apis.datasets.services.datasets_apply_config",
    "scoring_functions": "apis.scoring_functions.services.scoring_functions_apply_config",
    "benchmarks": "apis.benchmarks.services.benchmarks_apply_config",
}
# Exporters of the current resources back into `registered_resources`.
RESOURCE_EXPORTERS: dict[str, str] = {
    "models": "apis.models.selectors.models_export_config",
    "shields": "apis.shields.selectors.shields_export_config",
    "vector_dbs": "apis.vector_dbs.selectors.vector_dbs_export_config",
    "tool_groups": "apis.tool_groups.selectors.tool_groups_export_config",
    "datasets": "apis.datasets.selectors.datasets_export_config",
    "scoring_functions": "apis.scoring_functions.selectors.scoring_functions_export_config",
    "benchmarks": "apis.benchmarks.selectors.benchmarks_export_config",
}


@dataclass
class ApplyResult:
    applied: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    resources_changed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.disabled or self.resources_changed)


def registration_config_for_storage(
    *, spec: ProviderSpec, config: dict[str, Any], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate `config` against the spec's config class and return it as stored (secrets encrypted).

    A secret left blank keeps the previously stored value. Raises ProviderConfigError naming the field.
    """
    config_class = import_string(spec.config_class)
    merged = dict(config)
    if previous:
        for name in secret_fields(config_class):
            if merged.get(name) in ("", None) and previous.get(name):
                merged[name] = previous[name]
    validate_config(spec, decrypt_config(config_class, merged))
    return encrypt_config(config_class, merged)


@transaction.atomic
def registration_save(
    *,
    api: str,
    provider_id: str,
    provider_type: str,
    module: str = "",
    config: dict[str, Any],
    enabled: bool = True,
    source: str = ProviderRegistration.Source.ADMIN,
) -> ProviderRegistration:
    """Create or update a registration after validating its spec and config; bumps the registry."""
    spec = resolve_spec(api, provider_type, module)
    existing = ProviderRegistration.objects.filter(provider_id=provider_id).first()
    stored = registration_config_for_storage(spec=spec, config=config, previous=existing.config if existing else None)
    registration, _ = ProviderRegistration.objects.update_or_create(
        provider_id=provider_id,
        defaults={
            "api": api,
            "provider_type": provider_type,
            "module": module,
            "config": stored,
            "enabled": enabled,
            "source": source,
        },
    )
    RegistryState.bump()
    return registration


@transaction.atomic
def registration_delete(*, provider_id: str) -> None:
    ProviderRegistration.objects.filter(provider_id=provider_id).delete()
    RegistryState.bump()


def _entry_stored_config(api: str, entry: ProviderEntry) -> tuple[dict[str, Any], str | None]:
    try:
        spec = resolve_spec(api, entry.provider_type, entry.module)
        return registration_config_for_storage(spec=spec, config=entry.config), None
    except Exception as exc:  # a bad entry is recorded (and reported), never stops the others
        return dict(entry.config), str(exc)


def _same_registration(row: ProviderRegistration, api: str, entry: ProviderEntry, stored: dict[str, Any]) -> bool:
    if (row.api, row.provider_type, row.module, row.enabled) != (api, entry.provider_type, entry.module, True):
        return False
    if set(row.config) != set(stored):
        return False
    # Encrypted values differ on every encryption: compare what they decrypt to.
    try:
        spec = resolve_spec(api, entry.provider_type, entry.module)
        config_class = import_string(spec.config_class)
        return decrypt_config(config_class, row.config) == decrypt_config(config_class, stored)
    except Exception:  # an unresolvable spec: compare as stored
        return row.config == stored


def stack_config_apply(*, config: DistributionConfig, force: bool = False) -> ApplyResult:
    """Apply the distribution config idempotently.

    Registrations from the config are created or updated; rows that ops saved in the admin
    (source "admin") are left alone; config rows that the config no longer names are disabled.
    Concurrent callers serialize on the registry row, so the config is applied once.
    """
    digest = config.digest()
    with transaction.atomic():
        RegistryState.objects.get_or_create(pk=RegistryState.SINGLETON_ID)
        state = RegistryState.objects.select_for_update().get(pk=RegistryState.SINGLETON_ID)
        if state.config_digest == digest and not force:
            return ApplyResult(applied=False)
        result = ApplyResult(applied=True)
        named = set()
        for api, entry in config.enabled_providers():
            named.add(entry.provider_id)
            stored, error = _entry_stored_config(api, entry)
            if error:
                result.errors.append(f"Provider '{entry.provider_id}' ({entry.module or entry.provider_type}): {error}")
                logger.error("Distribution config: provider '%s': %s", entry.provider_id, error)
            row = ProviderRegistration.objects.filter(provider_id=entry.provider_id).first()
            if row is None:
                ProviderRegistration.objects.create(
                    api=api,
                    provider_id=entry.provider_id,
                    provider_type=entry.provider_type,
                    module=entry.module,
                    config=stored,
                    enabled=True,
                    source=ProviderRegistration.Source.CONFIG,
                )
                result.created.append(entry.provider_id)
            elif row.source != ProviderRegistration.Source.CONFIG:
                result.kept.append(entry.provider_id)
            elif not _same_registration(row, api, entry, stored):
                row.api, row.provider_type, row.module = api, entry.provider_type, entry.module
                row.config, row.enabled = stored, True
                row.save()
                result.updated.append(entry.provider_id)
        stale = ProviderRegistration.objects.filter(source=ProviderRegistration.Source.CONFIG, enabled=True).exclude(
            provider_id__in=named
        )
        result.disabled = list(stale.values_list("provider_id", flat=True))
        stale.update(enabled=False)
        if access_policy_apply_config(
            rules=config.server.get("auth", {}).get("access_policy") or [],
            route_rules=config.server.get("auth", {}).get("route_policy") or [],
        ):
            result.resources_changed += 1
        for key in sorted(config.registered_resources.keys() - RESOURCE_APPLIERS.keys()):
            result.errors.append(f"registered_resources.{key} is not supported by this server.")
        # In the appliers' order, whatever the config's: resources refer to the models applied before them.
        for key, applier in RESOURCE_APPLIERS.items():
            if key not in config.registered_resources:
                continue
            changed, errors = import_string(applier)(entries=config.registered_resources[key])
            result.resources_changed += changed
            result.errors.extend(errors)
        state.config_digest = digest
        state.save(update_fields=["config_digest", "updated_at"])
        if result.changed:
            RegistryState.bump()
    return result


_applied_digest: str | None = None


def stack_config_ensure_applied() -> None:
    """Apply the config at STACK_CONFIG once per process, unless it is the one applied last."""
    global _applied_digest
    config = load_distribution(settings.STACK_CONFIG)
    if _applied_digest == config.digest():
        return
    stack_config_apply(config=config)
    _applied_digest = config.digest()


def forget_applied_config() -> None:
    global _applied_digest
    _applied_digest = None


def _exported_config(row: ProviderRegistration) -> dict[str, Any]:
    """The row's config with each secret replaced by an `${env.NAME}` reference: secrets never leave the database."""
    try:
        config_class = import_string(resolve_spec(row.api, row.provider_type, row.module).config_class)
        names = secret_fields(config_class)
    except Exception:  # unresolvable registration: hide every encrypted value
        names = {key for key, value in row.config.items() if is_encrypted(value)}
    prefix = re.sub(r"[^A-Z0-9]+", "_", row.provider_id.upper()).strip("_")
    return {
        key: (f"${{env.{prefix}_{key.upper()}}}" if key in names and value else value)
        for key, value in row.config.items()
    }


def stack_config_export() -> str:
    """The current registrations and resources as distribution YAML; secrets become `${env...}` references."""
    providers: dict[str, list[dict[str, Any]]] = {}
    for row in ProviderRegistration.objects.filter(enabled=True).order_by("api", "provider_id"):
        entry: dict[str, Any] = {"provider_id": row.provider_id, "provider_type": row.provider_type}
        if row.module:
            entry["module"] = row.module
        entry["config"] = _exported_config(row)
        providers.setdefault(row.api, []).append(entry)
    resources = {key: import_string(path)() for key, path in RESOURCE_EXPORTERS.items()}
    document = {
        "version": 2,
        "apis": sorted(providers),
        "providers": providers,
        "registered_resources": {key: value for key, value in resources.items() if value},
        "server": {"port": settings.STACK_PORT},
    }
    return yaml.safe_dump(document, sort_keys=False)
