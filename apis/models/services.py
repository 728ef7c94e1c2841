"""Writes to the model routing table: registrations by people and by the config, and provider discovery."""

import logging
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field

from apis.common.errors import BadRequestError, StackError
from apis.common.routing_table import Registration
from apis.inference.schemas import ProviderModel
from apis.models.models import Model
from apis.models.selectors import model_routes_forget
from apis.models.table import MODELS
from providers.resolver import get_stack
from providers.spec import Api

logger = logging.getLogger(__name__)


def _checked_metadata(model_type: str, metadata: dict[str, Any]) -> dict[str, Any]:
    if model_type not in Model.ModelType.values:
        raise BadRequestError(
            f"Invalid model_type '{model_type}': expected one of {', '.join(Model.ModelType.values)}.",
            param="model_type",
        )
    if model_type == Model.ModelType.EMBEDDING:
        dimension = metadata.get("embedding_dimension")
        if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
            raise BadRequestError(
                "Embedding models need metadata.embedding_dimension, a positive integer.",
                param="metadata",
            )
    return metadata


def model_registration(
    *,
    identifier: str,
    provider_id: str | None,
    provider_resource_id: str | None,
    model_type: str | None,
    metadata: dict[str, Any] | None,
) -> Registration:
    """A model's registration, its own columns checked; BadRequestError names the field at fault."""
    model_type = model_type or Model.ModelType.LLM
    return Registration(
        identifier=identifier,
        provider_id=provider_id,
        provider_resource_id=provider_resource_id,
        fields={"model_type": model_type, "metadata": _checked_metadata(model_type, metadata or {})},
    )


def model_fields_check(
    *,
    identifier: str,
    provider_id: str | None,
    provider_resource_id: str | None,
    model_type: str | None,
    metadata: dict[str, Any] | None,
) -> dict[str, Any]:
    """The routing fields of a model as they will be stored; BadRequestError names the field at fault."""
    return MODELS.stored_fields(
        model_registration(
            identifier=identifier,
            provider_id=provider_id,
            provider_resource_id=provider_resource_id,
            model_type=model_type,
            metadata=metadata,
        )
    )


def _forget_routes() -> None:
    # Now for this transaction's own reads, and after commit for requests that cached the old route
    # in between.
    model_routes_forget()
    transaction.on_commit(model_routes_forget)


@transaction.atomic
def model_register(
    *,
    identifier: str,
    provider_id: str | None = None,
    provider_resource_id: str | None = None,
    model_type: str | None = None,
    metadata: dict[str, Any] | None = None,
    owner: dict[str, Any] | None = None,
    source: str = Model.Source.API,
) -> Model:
    """Register a model (owned by the caller unless `owner` says otherwise); registering it again with
    the same fields returns it, different ones are a conflict."""
    registration = model_registration(
        identifier=identifier,
        provider_id=provider_id,
        provider_resource_id=provider_resource_id,
        model_type=model_type,
        metadata=metadata,
    )
    row = MODELS.register(registration, source=source, owner=owner)
    _forget_routes()
    return row


@transaction.atomic
def model_update(
    *,
    model: Model,
    provider_id: str | None,
    provider_resource_id: str | None,
    model_type: str | None,
    metadata: dict[str, Any] | None,
) -> Model:
    """Change where a registered model is served (the admin's change form)."""
    fields = model_fields_check(
        identifier=model.identifier,
        provider_id=provider_id,
        provider_resource_id=provider_resource_id,
        model_type=model_type,
        metadata=metadata,
    )
    for name, value in fields.items():
        setattr(model, name, value)
    if model.source == Model.Source.LISTED:
        model.source = Model.Source.API
    model.save()
    _forget_routes()
    return model


@transaction.atomic
def model_unregister(*, identifier: str) -> None:
    MODELS.unregister(identifier)
    _forget_routes()


class ConfigModelEntry(BaseModel):
    """One entry of `registered_resources.models` in the distribution config."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_id: str = Field(min_length=1, max_length=255)
    provider_id: str | None = None
    provider_model_id: str | None = Field(default=None, min_length=1, max_length=255)
    model_type: str | None = None
    metadata: dict[str, Any] | None = None


def _config_registration(entry: ConfigModelEntry) -> Registration:
    return model_registration(
        identifier=entry.model_id,
        provider_id=entry.provider_id,
        provider_resource_id=entry.provider_model_id,
        model_type=entry.model_type,
        metadata=entry.metadata,
    )


def models_apply_config(*, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply `registered_resources.models`; returns how many rows changed and the entries' errors."""
    changed, errors = MODELS.apply_config(
        key="models",
        entries=entries,
        entry_class=ConfigModelEntry,
        identifier_key="model_id",
        to_registration=_config_registration,
    )
    if changed:
        _forget_routes()
    return changed, errors


@dataclass
class ModelsRefreshResult:
    provider_id: str
    listed: bool = True
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.listed:
            return f"{self.provider_id}: does not list its models"
        return (
            f"{self.provider_id}: {len(self.created)} added, {len(self.updated)} updated, {len(self.removed)} removed"
        )


@transaction.atomic
def models_sync_listed(*, provider_id: str, listed: list[ProviderModel]) -> ModelsRefreshResult:
    """Make the provider's discovered models `{provider_id}/{provider_model_id}` match what it lists.

    Models registered by people or the config are never changed or removed, even under the same id.
    """
    result = ModelsRefreshResult(provider_id=provider_id)
    wanted = {f"{provider_id}/{model.provider_model_id}": model for model in listed}
    existing = {row.identifier: row for row in Model.objects.select_for_update().filter(identifier__in=list(wanted))}
    new_rows = []
    for identifier, model in wanted.items():
        fields = {
            "provider_id": provider_id,
            "provider_resource_id": model.provider_model_id,
            "model_type": model.model_type,
            "metadata": model.metadata,
        }
        row = existing.get(identifier)
        if row is None:
            new_rows.append(Model(identifier=identifier, source=Model.Source.LISTED, **fields))
            result.created.append(identifier)
        elif row.source == Model.Source.LISTED and any(getattr(row, k) != v for k, v in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
            result.updated.append(identifier)
    # A refresh running at the same time may have added some of them: those are skipped, not duplicated.
    Model.objects.bulk_create(new_rows, ignore_conflicts=True)
    stale = Model.objects.filter(provider_id=provider_id, source=Model.Source.LISTED).exclude(
        identifier__in=list(wanted)
    )
    result.removed = sorted(stale.values_list("identifier", flat=True))
    stale.delete()
    if result.created or result.updated or result.removed:
        _forget_routes()
    return result


def models_refresh_from_provider(*, provider_id: str) -> ModelsRefreshResult:
    """Ask the provider which models it serves and register them. Raises the StackError of a failed call."""
    handle = get_stack().get(provider_id)
    if handle.api != Api.inference:
        raise BadRequestError(f"Provider '{provider_id}' is not an inference provider.", param="provider_id")
    listed = async_to_sync(handle.impl.list_provider_models)()
    if listed is None:
        return ModelsRefreshResult(provider_id=provider_id, listed=False)
    return models_sync_listed(provider_id=provider_id, listed=listed)


def models_refresh_from_providers() -> tuple[list[ModelsRefreshResult], list[str]]:
    """Refresh every running inference provider; one failing provider does not stop the others."""
    results, errors = [], []
    for handle in get_stack().for_api(Api.inference):
        try:
            results.append(models_refresh_from_provider(provider_id=handle.provider_id))
        except StackError as exc:
            logger.warning("Listing the models of provider '%s' failed: %s", handle.provider_id, exc.message)
            errors.append(f"{handle.provider_id}: {exc.message}")
    return results, errors
