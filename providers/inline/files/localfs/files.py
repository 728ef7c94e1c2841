"""The Files protocol over the files services and selectors (sync ORM and storage, run off the event loop)."""

from typing import Any

from asgiref.sync import sync_to_async

from apis.access.identity import owner_fields
from apis.files import selectors, services
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
from providers.inline.files.localfs.config import LocalfsFilesConfig


class LocalfsFiles:
    def __init__(self, config: LocalfsFilesConfig) -> None:
        self.config = config

    async def health(self) -> dict[str, Any]:
        return {"status": "OK"}

    async def openai_upload_file(self, request: UploadFileRequest) -> OpenAIFileObject:
        row = await sync_to_async(services.file_upload)(
            fileobj=request.file,
            filename=request.filename,
            purpose=request.purpose,
            expires_after_seconds=request.expires_after.seconds if request.expires_after else None,
            # Who uploads the file owns it (unowned when authentication is off).
            **owner_fields(),
        )
        return selectors.file_to_schema(row)

    async def openai_list_files(self, request: ListFilesRequest) -> ListFilesResponse:
        rows, has_more = await sync_to_async(selectors.file_list)(
            after=request.after, limit=request.limit, order=request.order, purpose=request.purpose
        )
        data = [selectors.file_to_schema(row) for row in rows]
        return ListFilesResponse(
            data=data,
            first_id=data[0].id if data else None,
            last_id=data[-1].id if data else None,
            has_more=has_more,
        )

    async def openai_retrieve_file(self, request: RetrieveFileRequest) -> OpenAIFileObject:
        row = await sync_to_async(selectors.file_get)(file_id=request.file_id)
        return selectors.file_to_schema(row)

    async def openai_retrieve_file_content(self, request: RetrieveFileContentRequest) -> FileContent:
        def open_content() -> FileContent:
            row = selectors.file_get(file_id=request.file_id)
            return FileContent(id=row.id, filename=row.filename, bytes=row.bytes, stream=selectors.file_open(row=row))

        return await sync_to_async(open_content)()

    async def openai_delete_file(self, request: DeleteFileRequest) -> DeleteFileResponse:
        file_id = await sync_to_async(services.file_delete)(file_id=request.file_id)
        return DeleteFileResponse(id=file_id)
