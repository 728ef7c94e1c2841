"""Reads of the vector DB routing table."""

from typing import Any

from apis.vector_dbs.models import RegisteredVectorDB
from apis.vector_dbs.table import VECTOR_DBS


def vector_db_get(*, identifier: str) -> RegisteredVectorDB:
    return VECTOR_DBS.get(identifier)


def vector_dbs_list(*, provider_id: str | None = None) -> list[RegisteredVectorDB]:
    return VECTOR_DBS.list_rows(**({"provider_id": provider_id} if provider_id is not None else {}))


def vector_db_config_entry(row: RegisteredVectorDB) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "vector_db_id": row.identifier,
        "embedding_model": row.embedding_model,
        "embedding_dimension": row.embedding_dimension,
        "provider_id": row.provider_id,
        "provider_vector_db_id": row.provider_resource_id,
    }
    if row.vector_db_name:
        entry["vector_db_name"] = row.vector_db_name
    return entry


def vector_dbs_export_config() -> list[dict[str, Any]]:
    """The vector DBs people and the config registered, as `registered_resources.vector_dbs` entries."""
    return VECTOR_DBS.export_config(vector_db_config_entry)
