"""Routes of the Files API."""

from collections.abc import AsyncIterator
from typing import IO

from asgiref.sync import sync_to_async
from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile

from apis.common.errors import BadRequestError
from apis.files.protocol import Files
from apis.files.schemas import (
    DeleteFileRequest,
    DeleteFileResponse,
    ListFilesRequest,
    ListFilesResponse,
    OpenAIFileObject,
    RetrieveFileContentRequest,
    RetrieveFileRequest,
    UploadFileForm,
    UploadFileRequest,
)

CHUNK_BYTES = 64 * 1024


async def _chunks(stream: IO[bytes]) -> AsyncIterator[bytes]:
    """The stream's bytes, read off the event loop, one chunk at a time; closes the stream."""
    read = sync_to_async(stream.read, thread_sensitive=False)
    try:
        while chunk := await read(CHUNK_BYTES):
            yield chunk
    finally:
        await sync_to_async(stream.close, thread_sensitive=False)()


def create_router(impl: Files) -> Router:
    router = Router(tags=["Files"])

    @router.post("/files", response=OpenAIFileObject, summary="Upload a file")
    async def upload_file(
        request: HttpRequest, file: File[UploadedFile], form: Form[UploadFileForm]
    ) -> OpenAIFileObject:
        try:
            expires_after = form.expires_after()
        except ValueError as exc:
            raise BadRequestError(str(exc), code="invalid_value", param="expires_after[seconds]") from exc
        upload = UploadFileRequest(
            file=file, filename=file.name or "upload", purpose=form.purpose, expires_after=expires_after
        )
        return await impl.openai_upload_file(upload)

    @router.get("/files", response=ListFilesResponse, summary="List files")
    async def list_files(request: HttpRequest, params: Query[ListFilesRequest]) -> ListFilesResponse:
        return await impl.openai_list_files(params)

    @router.get("/files/{file_id}", response=OpenAIFileObject, summary="Get a file's metadata")
    async def retrieve_file(request: HttpRequest, params: Path[RetrieveFileRequest]) -> OpenAIFileObject:
        return await impl.openai_retrieve_file(params)

    @router.get(
        "/files/{file_id}/content",
        response={200: None},
        summary="Download a file's content",
        openapi_extra={
            "responses": {
                "200": {
                    "description": "The file's bytes.",
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                }
            }
        },
    )
    async def retrieve_file_content(
        request: HttpRequest, params: Path[RetrieveFileContentRequest]
    ) -> StreamingHttpResponse:
        content = await impl.openai_retrieve_file_content(params)
        response = StreamingHttpResponse(_chunks(content.stream), content_type="application/octet-stream")
        response["Content-Length"] = str(content.bytes)
        return response

    @router.delete("/files/{file_id}", response=DeleteFileResponse, summary="Delete a file")
    async def delete_file(request: HttpRequest, params: Path[DeleteFileRequest]) -> DeleteFileResponse:
        return await impl.openai_delete_file(params)

    return router
