"""Contracts of the datasetio API: pages of a dataset's rows, and rows to append."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class IterRowsQuery(BaseModel):
    start_index: int | None = Field(default=None, ge=0, description="The first row to return, counted from 0.")
    limit: int | None = Field(
        default=None,
        ge=-1,
        description="How many rows to return; -1 or omitted for as many as one page holds "
        "(STACK_DATASETIO_PAGE_SIZE, which also bounds larger values). next_start_index continues.",
    )

    @field_validator("limit")
    @classmethod
    def _positive_or_all(cls, value: int | None) -> int | None:
        if value == 0:
            raise ValueError("limit must be -1 (a full page) or at least 1")
        return value


class IterRowsRequest(IterRowsQuery):
    dataset_id: str = Field(description="The dataset id; may contain '/'.")


class IterRowsResponse(BaseModel):
    data: list[dict[str, Any]] = Field(description="The rows of this page, in dataset order.")
    next_start_index: int | None = Field(description="The start_index of the next page; null after the last row.")
    has_more: bool = Field(description="Whether rows follow this page.")


class AppendRowsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[dict[str, Any]] = Field(min_length=1, description="Rows to add after the dataset's last row.")


class AppendRowsRequest(AppendRowsBody):
    dataset_id: str = Field(description="The dataset id; may contain '/'.")


class AppendRowsResponse(BaseModel):
    dataset_id: str
    appended: int = Field(description="How many rows were added.")
