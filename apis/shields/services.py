"""Writes to the shield routing table: registrations by people and by the distribution config."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apis.common.models import RoutedResource
from apis.common.routing_table import Registration
from apis.shields.models import RegisteredShield
from apis.shields.table import SHIELDS


def shield_register(
    *,
    identifier: str,
    provider_id: str | None = None,
    provider_resource_id: str | None = None,
    params: dict[str, Any] | None = None,
    owner: dict[str, Any] | None = None,
) -> RegisteredShield:
    """Register a shield (owned by the caller unless `owner` says otherwise) and tell its provider."""
    registration = Registration(
        identifier=identifier,
        provider_id=provider_id,
        provider_resource_id=provider_resource_id,
        fields={"params": params or {}},
    )
    return SHIELDS.register(registration, source=RoutedResource.Source.API, owner=owner)


def shield_unregister(*, identifier: str) -> None:
    SHIELDS.unregister(identifier)


class ConfigShieldEntry(BaseModel):
    """One entry of `registered_resources.shields` in the distribution config."""

    model_config = ConfigDict(extra="forbid")

    shield_id: str = Field(min_length=1, max_length=255)
    provider_id: str | None = None
    provider_shield_id: str | None = Field(default=None, min_length=1, max_length=255)
    params: dict[str, Any] | None = None


def _registration(entry: ConfigShieldEntry) -> Registration:
    return Registration(
        identifier=entry.shield_id,
        provider_id=entry.provider_id,
        provider_resource_id=entry.provider_shield_id,
        fields={"params": entry.params or {}},
    )


def shields_apply_config(*, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply `registered_resources.shields`; returns how many rows changed and the entries' errors."""
    return SHIELDS.apply_config(
        key="shields",
        entries=entries,
        entry_class=ConfigShieldEntry,
        identifier_key="shield_id",
        to_registration=_registration,
    )
