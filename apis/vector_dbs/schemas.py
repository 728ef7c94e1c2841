"""Contracts of the vector DBs API: registered vector DBs as Llama Stack describes them."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class VectorDB(BaseModel):
    identifier: str = Field(description="The vector DB id to use in requests.")
    provider_resource_id: str = Field(description="The provider's own id for the vector DB (its collection).")
    provider_id: str = Field(description="The vector IO provider storing it.")
    type: Literal["vector_db"] = "vector_db"
    embedding_model: str = Field(description="The registered embedding model that embeds its chunks and queries.")
    embedding_dimension: int = Field(description="The length of its vectors.")
    vector_db_name: str | None = Field(default=None, description="A name for people.")


class ListVectorDBsResponse(BaseModel):
    data: list[VectorDB]


class GetVectorDBRequest(BaseModel):
    vector_db_id: str = Field(description="The vector DB id; may contain '/'.")


class UnregisterVectorDBRequest(BaseModel):
    vector_db_id: str = Field(description="The vector DB id; may contain '/'.")


class RegisterVectorDBRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    vector_db_id: str = Field(min_length=1, max_length=255, description="The id clients will use for the vector DB.")
    embedding_model: str = Field(min_length=1, description="A registered embedding model.")
    embedding_dimension: int | None = Field(
        default=None, ge=1, description="Must agree with the model's; taken from the model when left out."
    )
    provider_id: str | None = Field(
        default=None, description="The vector IO provider storing it; optional when there is exactly one."
    )
    provider_vector_db_id: str | None = Field(
        default=None, min_length=1, max_length=255, description="The provider's own id; defaults to vector_db_id."
    )
    vector_db_name: str | None = Field(default=None, max_length=255, description="A name for people.")


class VectorDBDeleted(BaseModel):
    identifier: str
    type: Literal["vector_db"] = "vector_db"
    deleted: bool = True
