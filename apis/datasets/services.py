"""Writes to the dataset routing table: registrations by people and by the distribution config."""

import secrets
from typing import Any

from asgiref.sync import async_to_sync
from pydantic import BaseModel, ConfigDict, Field

from apis.access.guards import ensure_create
from apis.common.errors import BadRequestError
from apis.common.models import RoutedResource
from apis.common.routing_table import Registration
from apis.datasetio.protocol import DatasetIOProvider
from apis.datasets.models import RegisteredDataset
from apis.datasets.schemas import DatasetPurpose, DataSource
from apis.datasets.table import DATASETS
from providers.resolver import get_stack
from providers.spec import Api


def new_dataset_id() -> str:
    return f"dataset-{secrets.token_hex(12)}"


def dataset_provider_for(*, source: DataSource, provider_id: str | None) -> tuple[str, DatasetIOProvider]:
    """The provider that will serve a new dataset: the one named, else the only one that can read the source."""
    stack = get_stack()
    if provider_id is not None:
        chosen = DATASETS.choose_provider(provider_id)
        return chosen, stack.impl(chosen)
    handles = stack.for_api(Api.datasetio)
    if not handles:
        DATASETS.choose_provider(None)  # raises: there is no datasetio provider at all
    # The only provider serves every dataset; its check of the source explains what it cannot read.
    able = handles if len(handles) == 1 else [h for h in handles if h.impl.supports_source(source)]
    if len(able) == 1:
        return able[0].provider_id, able[0].impl
    if not able:
        raise BadRequestError(
            f"No datasetio provider can read this source; providers: {', '.join(h.provider_id for h in handles)}.",
            param="source",
        )
    raise BadRequestError(
        f"provider_id is required: several datasetio providers can read this source: "
        f"{', '.join(h.provider_id for h in able)}.",
        param="provider_id",
    )


def dataset_source_check(*, source: DataSource, provider_id: str | None) -> str:
    """Check, as the caller, that a provider can read the source; returns that provider's id."""
    chosen, provider = dataset_provider_for(source=source, provider_id=provider_id)
    async_to_sync(provider.check_source)(source)
    return chosen


def dataset_register(
    *,
    purpose: DatasetPurpose,
    source: DataSource,
    metadata: dict[str, Any] | None = None,
    dataset_id: str | None = None,
    provider_id: str | None = None,
    owner: dict[str, Any] | None = None,
) -> RegisteredDataset:
    """Register a dataset (owned by the caller unless `owner` says otherwise) after checking its source."""
    identifier = dataset_id or new_dataset_id()
    ensure_create("dataset", identifier)
    chosen = dataset_source_check(source=source, provider_id=provider_id)
    registration = Registration(
        identifier=identifier,
        provider_id=chosen,
        fields={"purpose": purpose, "data_source": source.model_dump(mode="json"), "metadata": metadata or {}},
    )
    return DATASETS.register(registration, source=RoutedResource.Source.API, owner=owner)


def dataset_unregister(*, identifier: str) -> None:
    DATASETS.unregister(identifier)


class ConfigDatasetEntry(BaseModel):
    """One entry of `registered_resources.datasets` in the distribution config."""

    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(min_length=1, max_length=255)
    purpose: DatasetPurpose
    source: DataSource
    provider_id: str | None = None
    metadata: dict[str, Any] | None = None


def _registration(entry: ConfigDatasetEntry) -> Registration:
    # The providers are not running while the config is applied: without a provider_id, the only datasetio
    # provider serves the dataset, and its source is read (and checked) when it is first used.
    return Registration(
        identifier=entry.dataset_id,
        provider_id=entry.provider_id,
        fields={
            "purpose": entry.purpose,
            "data_source": entry.source.model_dump(mode="json"),
            "metadata": entry.metadata or {},
        },
    )


def datasets_apply_config(*, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply `registered_resources.datasets`; returns how many rows changed and the entries' errors."""
    return DATASETS.apply_config(
        key="datasets",
        entries=entries,
        entry_class=ConfigDatasetEntry,
        identifier_key="dataset_id",
        to_registration=_registration,
    )
