"""Reads of the shield routing table."""

from typing import Any

from apis.shields.models import RegisteredShield
from apis.shields.table import SHIELDS


def shield_get(*, identifier: str) -> RegisteredShield:
    return SHIELDS.get(identifier)


def shields_list(*, provider_id: str | None = None) -> list[RegisteredShield]:
    return SHIELDS.list_rows(**({"provider_id": provider_id} if provider_id is not None else {}))


def shield_config_entry(row: RegisteredShield) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "shield_id": row.identifier,
        "provider_id": row.provider_id,
        "provider_shield_id": row.provider_resource_id,
    }
    if row.params:
        entry["params"] = row.params
    return entry


def shields_export_config() -> list[dict[str, Any]]:
    """The shields people and the config registered, as `registered_resources.shields` entries."""
    return SHIELDS.export_config(shield_config_entry)
