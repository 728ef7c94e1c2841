"""The Files API, as the routes (and the batches provider) call it, and as a files provider implements it."""

from typing import Protocol

from apis.files.schemas import (
    DeleteFileRequest,
    DeleteFileResponse,
    FileContent,
    ListFilesRequest,
    ListFilesResponse,
    OpenAIFileObject,
    RetrieveFileContentRequest,
    RetrieveFileRequest,
    UploadFileRequest,
)


class Files(Protocol):
    async def openai_upload_file(self, request: UploadFileRequest) -> OpenAIFileObject: ...

    async def openai_list_files(self, request: ListFilesRequest) -> ListFilesResponse: ...

    async def openai_retrieve_file(self, request: RetrieveFileRequest) -> OpenAIFileObject: ...

    async def openai_retrieve_file_content(self, request: RetrieveFileContentRequest) -> FileContent: ...

    async def openai_delete_file(self, request: DeleteFileRequest) -> DeleteFileResponse: ...
