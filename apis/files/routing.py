"""The Files API as the routes call it: every call goes to the one registered files provider."""

from apis.files.protocol import Files
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
from providers.resolver import aget_stack


async def _provider() -> Files:
    return (await aget_stack()).only("files").impl


class FilesRouter:
    async def openai_upload_file(self, request: UploadFileRequest) -> OpenAIFileObject:
        return await (await _provider()).openai_upload_file(request)

    async def openai_list_files(self, request: ListFilesRequest) -> ListFilesResponse:
        return await (await _provider()).openai_list_files(request)

    async def openai_retrieve_file(self, request: RetrieveFileRequest) -> OpenAIFileObject:
        return await (await _provider()).openai_retrieve_file(request)

    async def openai_retrieve_file_content(self, request: RetrieveFileContentRequest) -> FileContent:
        return await (await _provider()).openai_retrieve_file_content(request)

    async def openai_delete_file(self, request: DeleteFileRequest) -> DeleteFileResponse:
        return await (await _provider()).openai_delete_file(request)
