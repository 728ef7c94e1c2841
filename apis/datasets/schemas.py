"""Contracts of the datasets API: registered datasets as Llama Stack describes them."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DatasetPurpose = Literal["post-training/messages", "eval/question-answer", "eval/messages-answer"]


class RowsDataSource(BaseModel):
    """Rows given inline; rows appended later follow them."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["rows"] = "rows"
    rows: list[dict[str, Any]] = Field(description="The rows, each a JSON object of column name to value.")


class URIDataSource(BaseModel):
    """Rows read from a file: CSV (a header line first), JSON Lines (an object a line) or JSON (an array of objects)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["uri"] = "uri"
    uri: str = Field(
        min_length=1,
        description="A /v1/files file id ('file-...' or '/v1/files/file-...'), a 'file://' path under a directory "
        "the server allows, or a 'data:' URI (text/csv, application/jsonl or application/json).",
    )


DataSource = Annotated[RowsDataSource | URIDataSource, Field(discriminator="type")]


class Dataset(BaseModel):
    identifier: str = Field(description="The dataset id to use in requests.")
    provider_resource_id: str = Field(description="The provider's own id for the dataset.")
    provider_id: str = Field(description="The datasetio provider serving the rows.")
    type: Literal["dataset"] = "dataset"
    purpose: DatasetPurpose = Field(description="What the rows are for, and so which columns they have.")
    source: DataSource
    metadata: dict[str, Any] = Field(default_factory=dict, description="Anything the registrant wants to keep.")


class ListDatasetsResponse(BaseModel):
    data: list[Dataset]


class GetDatasetRequest(BaseModel):
    dataset_id: str = Field(description="The dataset id; may contain '/'.")


class UnregisterDatasetRequest(BaseModel):
    dataset_id: str = Field(description="The dataset id; may contain '/'.")


class RegisterDatasetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: DatasetPurpose = Field(
        description="'post-training/messages' (a 'messages' column), 'eval/question-answer' ('question' or "
        "'input_query', and 'answer' or 'expected_answer') or 'eval/messages-answer' ('messages' and 'answer')."
    )
    source: DataSource = Field(description="Where the rows come from.")
    metadata: dict[str, Any] | None = Field(default=None, description="Anything the registrant wants to keep.")
    dataset_id: str | None = Field(
        default=None, min_length=1, max_length=255, description="The id clients will use; generated when omitted."
    )
    provider_id: str | None = Field(
        default=None, description="The datasetio provider; by default the one that can read the source."
    )


class DatasetDeleted(BaseModel):
    identifier: str
    type: Literal["dataset"] = "dataset"
    deleted: bool = True
