"""Contracts of the Batches API: OpenAI's batch object, its list, and the requests of every route."""

from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

SUPPORTED_ENDPOINTS = ("/v1/chat/completions", "/v1/completions", "/v1/embeddings")
MAX_METADATA_PAIRS = 16
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 512

BatchStatus = Literal[
    "validating", "failed", "in_progress", "finalizing", "completed", "expired", "cancelling", "cancelled"
]


class CreateBatchRequest(BaseModel):
    input_file_id: str = Field(description="The id of an uploaded JSONL file of requests (purpose 'batch').")
    endpoint: str = Field(description="The endpoint of every request: " + ", ".join(SUPPORTED_ENDPOINTS) + ".")
    completion_window: Literal["24h"] = Field(description="The time frame to process the batch in: '24h'.")
    metadata: dict[str, str] | None = Field(
        default=None, description="Up to 16 string pairs; keys up to 64 characters, values up to 512."
    )
    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        description="Repeating a request with the same key returns the batch it created instead of a new one.",
    )

    @field_validator("metadata")
    @classmethod
    def _metadata_limits(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return value
        if len(value) > MAX_METADATA_PAIRS:
            raise PydanticCustomError("metadata", "at most {count} pairs are allowed.", {"count": MAX_METADATA_PAIRS})
        for key, item in value.items():
            if len(key) > MAX_METADATA_KEY:
                raise PydanticCustomError(
                    "metadata", "keys may have at most {size} characters.", {"size": MAX_METADATA_KEY}
                )
            if len(item) > MAX_METADATA_VALUE:
                raise PydanticCustomError(
                    "metadata", "values may have at most {size} characters.", {"size": MAX_METADATA_VALUE}
                )
        return value


class ListBatchesRequest(BaseModel):
    after: str | None = Field(default=None, description="A batch id: list the batches after this one (a cursor).")
    limit: int = Field(default=20, ge=1, le=100, description="How many batches to return (1 to 100).")


class RetrieveBatchRequest(BaseModel):
    batch_id: str = Field(description="The batch id.")


class CancelBatchRequest(BaseModel):
    batch_id: str = Field(description="The batch id.")


class BatchError(BaseModel):
    code: str | None = Field(default=None, description="A machine-readable error code.")
    message: str | None = Field(default=None, description="What is wrong, for a person.")
    param: str | None = Field(default=None, description="The parameter at fault.")
    line: int | None = Field(default=None, description="The input line at fault, counted from 1.")


class BatchErrors(BaseModel):
    object: Literal["list"] = "list"
    data: list[BatchError]


class BatchRequestCounts(BaseModel):
    total: int = Field(description="Requests in the batch.")
    completed: int = Field(description="Requests that succeeded.")
    failed: int = Field(description="Requests that failed.")


class InputTokensDetails(BaseModel):
    cached_tokens: int = 0


class OutputTokensDetails(BaseModel):
    reasoning_tokens: int = 0


class BatchUsage(BaseModel):
    input_tokens: int = Field(description="Prompt tokens, summed over the batch's requests.")
    input_tokens_details: InputTokensDetails
    output_tokens: int = Field(description="Generated tokens, summed over the batch's requests.")
    output_tokens_details: OutputTokensDetails
    total_tokens: int = Field(description="All tokens, summed over the batch's requests.")


class BatchObject(BaseModel):
    """The batch, exactly as OpenAI's Batch API returns it."""

    id: str
    object: Literal["batch"] = "batch"
    endpoint: str
    model: str | None = Field(default=None, description="The model of the batch's requests, when they share one.")
    errors: BatchErrors | None = Field(default=None, description="Why validation failed.")
    input_file_id: str
    completion_window: str
    status: BatchStatus
    output_file_id: str | None = Field(default=None, description="The file of the successful requests' answers.")
    error_file_id: str | None = Field(default=None, description="The file of the failed requests' errors.")
    created_at: int
    in_progress_at: int | None = None
    expires_at: int | None = None
    finalizing_at: int | None = None
    completed_at: int | None = None
    failed_at: int | None = None
    expired_at: int | None = None
    cancelling_at: int | None = None
    cancelled_at: int | None = None
    request_counts: BatchRequestCounts
    metadata: dict[str, str] | None = None
    usage: BatchUsage


class ListBatchesResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[BatchObject]
    first_id: str | None = Field(description="Id of the first batch of this page.")
    last_id: str | None = Field(description="Id of the last batch of this page; the cursor for the next page.")
    has_more: bool = Field(description="Whether more batches follow this page.")
