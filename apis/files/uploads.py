"""The upload handler that stops a multipart upload as soon as it passes STACK_FILES_MAX_BYTES."""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from apis.common.errors import PayloadTooLargeError

# Room for the multipart framing and the form fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"File too large: the limit is {limit} bytes.", param="file")


class SizeLimitUploadHandler(FileUploadHandler):
    """First of the upload handlers: counts each file's bytes and raises 413 past the limit.

    Raising from here ends the parse before the next handlers write more to their temporary file.
    """

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: bytes, encoding: str | None = None
    ) -> None:
        self.limit = settings.STACK_FILES_MAX_BYTES
        if content_length and content_length > self.limit + MULTIPART_OVERHEAD_BYTES:
            raise too_large(self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            raise too_large(self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
