"""Contracts of the inspect API."""

from typing import Literal

from pydantic import BaseModel, Field


class RouteInfo(BaseModel):
    route: str = Field(description="The full path of the route, such as '/v1/models/{model_id}'.")
    method: str = Field(description="The HTTP method.")
    provider_types: list[str] = Field(description="Provider types registered for the API serving the route.")
    level: Literal["v1", "v1alpha", "v1beta"] = Field(description="The API level the route belongs to.")
    deprecated: bool = Field(description="Whether the route is deprecated.")


class ListRoutesRequest(BaseModel):
    api_filter: Literal["v1", "v1alpha", "v1beta", "deprecated"] | None = Field(
        default=None,
        description="Only routes of this level, or only deprecated routes. Default: every non-deprecated route.",
    )


class ListRoutesResponse(BaseModel):
    data: list[RouteInfo]


class HealthInfo(BaseModel):
    status: Literal["OK", "Error"] = Field(description="'OK' when the server can serve requests.")


class VersionInfo(BaseModel):
    version: str = Field(description="The server's version.")
