"""Contracts of the Files API: OpenAI's file object, its list, and the requests of every route."""

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

FILE_ID = re.compile(r"^file-[0-9a-f]{1,64}$")
MIN_EXPIRY_SECONDS = 3600
MAX_EXPIRY_SECONDS = 2_592_000

FilePurpose = Literal["assistants", "batch", "batch_output", "fine-tune", "vision", "user_data", "evals"]
# What clients may upload; batch_output is written by the server only.
UploadPurpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]


def check_file_id(value: str) -> str:
    if not FILE_ID.match(value):
        raise PydanticCustomError(
            "file_id", "Invalid file id '{value}': expected 'file-' followed by hex digits.", {"value": value}
        )
    return value


class ExpiresAfter(BaseModel):
    """When a file expires, counted from its creation."""

    anchor: Literal["created_at"] = Field(description="The timestamp the expiry counts from: 'created_at'.")
    seconds: int = Field(
        ge=MIN_EXPIRY_SECONDS, le=MAX_EXPIRY_SECONDS, description="Seconds after the anchor (3600 to 2592000)."
    )


class UploadFileForm(BaseModel):
    """The form fields of a multipart upload (the file itself is the `file` part).

    `expires_after` arrives as the two fields `expires_after[anchor]` and `expires_after[seconds]`, the way
    the OpenAI clients encode a nested object in a form.
    """

    model_config = ConfigDict(populate_by_name=True)

    purpose: UploadPurpose = Field(description="What the file is for.")
    expires_after_anchor: Literal["created_at"] | None = Field(
        default=None, alias="expires_after[anchor]", description="The timestamp the expiry counts from: 'created_at'."
    )
    expires_after_seconds: int | None = Field(
        default=None,
        ge=MIN_EXPIRY_SECONDS,
        le=MAX_EXPIRY_SECONDS,
        alias="expires_after[seconds]",
        description="Seconds after the anchor when the file expires (3600 to 2592000).",
    )

    def expires_after(self) -> "ExpiresAfter | None":
        if self.expires_after_seconds is None:
            if self.expires_after_anchor is not None:
                raise ValueError("expires_after[seconds] is required with expires_after[anchor].")
            return None
        return ExpiresAfter(anchor=self.expires_after_anchor or "created_at", seconds=self.expires_after_seconds)


class UploadFileRequest(BaseModel):
    """A file to store. `file` is an open binary file object; it is read in chunks, never whole."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: Any = Field(description="An open binary file object with read() (and seek() when it can).")
    filename: str = Field(min_length=1, max_length=255, description="The file's name.")
    purpose: FilePurpose = Field(description="What the file is for.")
    expires_after: ExpiresAfter | None = Field(default=None, description="When the file expires.")


class OpenAIFileObject(BaseModel):
    id: str = Field(description="The file id, 'file-<hex>'.")
    object: Literal["file"] = "file"
    bytes: int = Field(description="Size of the file in bytes.")
    created_at: int = Field(description="Unix time (seconds) of the upload.")
    expires_at: int | None = Field(default=None, description="Unix time (seconds) when the file expires.")
    filename: str = Field(description="The file's name.")
    purpose: FilePurpose = Field(description="What the file is for.")
    status: Literal["processed"] = Field(default="processed", description="Deprecated by OpenAI; always 'processed'.")


class ListFilesRequest(BaseModel):
    after: str | None = Field(default=None, description="A file id: list the files after this one (a cursor).")
    limit: int = Field(default=10000, ge=1, le=10000, description="How many files to return (1 to 10000).")
    order: Literal["asc", "desc"] = Field(default="desc", description="Order by creation time.")
    purpose: FilePurpose | None = Field(default=None, description="Only files with this purpose.")


class ListFilesResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[OpenAIFileObject]
    first_id: str | None = Field(description="Id of the first file of this page.")
    last_id: str | None = Field(description="Id of the last file of this page; the cursor for the next page.")
    has_more: bool = Field(description="Whether more files follow this page.")


class FileIdRequest(BaseModel):
    file_id: str = Field(description="The file id, 'file-<hex>'.")

    @field_validator("file_id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return check_file_id(value)


class RetrieveFileRequest(FileIdRequest):
    pass


class RetrieveFileContentRequest(FileIdRequest):
    pass


class DeleteFileRequest(FileIdRequest):
    pass


class DeleteFileResponse(BaseModel):
    id: str
    object: Literal["file"] = "file"
    deleted: bool = True


class FileContent(BaseModel):
    """A file's bytes as an open binary stream (seekable on the local storage); the caller closes it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str
    filename: str
    bytes: int
    stream: Any = Field(description="An open binary file object, positioned at the start.")
