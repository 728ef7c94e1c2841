"""Contracts of the shields API: registered shields as Llama Stack describes them."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Shield(BaseModel):
    identifier: str = Field(description="The shield id to use in requests.")
    provider_resource_id: str = Field(description="The provider's own id for the shield (a guard model, a rule set).")
    provider_id: str = Field(description="The safety provider running the shield.")
    type: Literal["shield"] = "shield"
    params: dict[str, Any] = Field(default_factory=dict, description="Options for the provider.")


class ListShieldsResponse(BaseModel):
    data: list[Shield]


class GetShieldRequest(BaseModel):
    identifier: str = Field(description="The shield id; may contain '/'.")


class UnregisterShieldRequest(BaseModel):
    identifier: str = Field(description="The shield id; may contain '/'.")


class RegisterShieldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shield_id: str = Field(min_length=1, max_length=255, description="The id clients will use for the shield.")
    provider_shield_id: str | None = Field(
        default=None, min_length=1, max_length=255, description="The provider's own id; defaults to shield_id."
    )
    provider_id: str | None = Field(
        default=None, description="The safety provider running it; optional when there is exactly one."
    )
    params: dict[str, Any] | None = Field(default=None, description="Options for the provider.")


class ShieldDeleted(BaseModel):
    identifier: str
    type: Literal["shield"] = "shield"
    deleted: bool = True
