"""Writes to the vector DB routing table: registrations by people and by the distribution config."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apis.common.errors import BadRequestError, ConflictError, ModelNotFoundError
from apis.common.models import RoutedResource
from apis.common.routing_table import Registration
from apis.models.models import Model
from apis.models.table import MODELS
from apis.vector_dbs.models import RegisteredVectorDB
from apis.vector_dbs.table import VECTOR_DBS


def embedding_fields(*, embedding_model: str, embedding_dimension: int | None) -> dict[str, Any]:
    """The embedding columns of a vector DB: the model must be a registered embedding model; its dimension rules."""
    try:
        model = MODELS.get(embedding_model)
    except ModelNotFoundError:
        raise BadRequestError(
            f"Embedding model '{embedding_model}' is not registered.", param="embedding_model"
        ) from None
    if model.model_type != Model.ModelType.EMBEDDING:
        raise BadRequestError(
            f"Model '{embedding_model}' is of type '{model.model_type}', not an embedding model.",
            param="embedding_model",
        )
    dimension = model.metadata.get("embedding_dimension")
    if not isinstance(dimension, int) or isinstance(dimension, bool) or dimension < 1:
        # Registered models are checked for it; a model listed by its provider may not say.
        raise BadRequestError(
            f"Model '{embedding_model}' has no metadata.embedding_dimension; register it with one.",
            param="embedding_model",
        )
    if embedding_dimension is not None and embedding_dimension != dimension:
        raise BadRequestError(
            f"embedding_dimension {embedding_dimension} disagrees with model '{embedding_model}', "
            f"whose vectors have {dimension} dimensions.",
            param="embedding_dimension",
        )
    return {"embedding_model": embedding_model, "embedding_dimension": dimension}


def vector_db_registration(
    *,
    identifier: str,
    embedding_model: str,
    embedding_dimension: int | None,
    provider_id: str | None,
    provider_resource_id: str | None,
    vector_db_name: str | None,
) -> Registration:
    """A checked registration; BadRequestError or ConflictError name the field at fault."""
    provider_id = VECTOR_DBS.choose_provider(provider_id)
    store = provider_resource_id or identifier
    sharing = RegisteredVectorDB.objects.filter(provider_id=provider_id, provider_resource_id=store).exclude(
        identifier=identifier
    )
    if sharing.exists():
        raise ConflictError(
            f"Provider '{provider_id}' already stores another vector DB as '{store}'; "
            "choose another provider_vector_db_id.",
            param="provider_vector_db_id",
        )
    return Registration(
        identifier=identifier,
        provider_id=provider_id,
        provider_resource_id=store,
        fields={
            **embedding_fields(embedding_model=embedding_model, embedding_dimension=embedding_dimension),
            "vector_db_name": vector_db_name or "",
        },
    )


def vector_db_register(
    *,
    identifier: str,
    embedding_model: str,
    embedding_dimension: int | None = None,
    provider_id: str | None = None,
    provider_resource_id: str | None = None,
    vector_db_name: str | None = None,
    owner: dict[str, Any] | None = None,
) -> RegisteredVectorDB:
    """Register a vector DB (owned by the caller unless `owner` says otherwise) and tell its provider."""
    VECTOR_DBS.stack()
    registration = vector_db_registration(
        identifier=identifier,
        embedding_model=embedding_model,
        embedding_dimension=embedding_dimension,
        provider_id=provider_id,
        provider_resource_id=provider_resource_id,
        vector_db_name=vector_db_name,
    )
    return VECTOR_DBS.register(registration, source=RoutedResource.Source.API, owner=owner)


def vector_db_unregister(*, identifier: str) -> None:
    """Remove a vector DB; its provider deletes its chunks."""
    VECTOR_DBS.unregister(identifier)


class ConfigVectorDBEntry(BaseModel):
    """One entry of `registered_resources.vector_dbs` in the distribution config."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    vector_db_id: str = Field(min_length=1, max_length=255)
    embedding_model: str = Field(min_length=1)
    embedding_dimension: int | None = Field(default=None, ge=1)
    provider_id: str | None = None
    provider_vector_db_id: str | None = Field(default=None, min_length=1, max_length=255)
    vector_db_name: str | None = Field(default=None, max_length=255)


def _registration(entry: ConfigVectorDBEntry) -> Registration:
    return vector_db_registration(
        identifier=entry.vector_db_id,
        embedding_model=entry.embedding_model,
        embedding_dimension=entry.embedding_dimension,
        provider_id=entry.provider_id,
        provider_resource_id=entry.provider_vector_db_id,
        vector_db_name=entry.vector_db_name,
    )


def vector_dbs_apply_config(*, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply `registered_resources.vector_dbs`; returns how many rows changed and the entries' errors."""
    return VECTOR_DBS.apply_config(
        key="vector_dbs",
        entries=entries,
        entry_class=ConfigVectorDBEntry,
        identifier_key="vector_db_id",
        to_registration=_registration,
    )
