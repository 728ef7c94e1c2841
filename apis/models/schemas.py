"""Contracts of the models API: OpenAI's model objects, with the routing details in `custom_metadata`."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ModelType = Literal["llm", "embedding", "rerank"]


class ModelObject(BaseModel):
    id: str = Field(description="The model id to use in requests.")
    object: Literal["model"] = "model"
    created: int = Field(description="When the model was registered, in seconds since the epoch.")
    owned_by: str = Field(description="The provider serving the model.")
    custom_metadata: dict[str, Any] = Field(
        description="'model_type', 'provider_id', 'provider_resource_id', 'source' and the model's metadata."
    )


class ListModelsResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelObject]


class GetModelRequest(BaseModel):
    model_id: str = Field(description="The model id; may contain '/'.")


class UnregisterModelRequest(BaseModel):
    model_id: str = Field(description="The model id; may contain '/'.")


class RegisterModelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_id: str = Field(min_length=1, max_length=255, description="The id clients will use for the model.")
    provider_id: str | None = Field(
        default=None, description="The inference provider serving it; optional when there is exactly one."
    )
    provider_model_id: str | None = Field(
        default=None, min_length=1, max_length=255, description="The provider's own id; defaults to model_id."
    )
    model_type: ModelType | None = Field(default=None, description="Defaults to 'llm'.")
    metadata: dict[str, Any] | None = Field(
        default=None, description="Free-form; embedding models need 'embedding_dimension'."
    )


class ModelDeleted(BaseModel):
    id: str
    object: Literal["model"] = "model"
    deleted: bool = True
