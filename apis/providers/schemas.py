"""Contracts of the providers API."""

from typing import Any, Literal

from pydantic import BaseModel, Field


class ProviderHealth(BaseModel):
    status: Literal["OK", "Error", "Not Implemented"] = Field(description="The provider's health.")
    message: str = Field(default="", description="Details, when the provider is not healthy.")


class ProviderInfo(BaseModel):
    api: str = Field(description="The API this provider serves.")
    provider_id: str = Field(description="The registration's unique id.")
    provider_type: str = Field(description="The provider type, such as 'remote::vllm'.")
    config: dict[str, Any] = Field(description="The provider's config; secrets shown as '********'.")
    health: ProviderHealth = Field(description="The result of a health check made for this request.")


class ListProvidersResponse(BaseModel):
    data: list[ProviderInfo]


class InspectProviderRequest(BaseModel):
    provider_id: str = Field(description="The id of the provider registration.")
