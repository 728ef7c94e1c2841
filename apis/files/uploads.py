"""The upload handler that stops a multipart upload as soon as it passes STACK_FILES_MAX_BYTES."""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from apis.common.errors import PayloadTooLargeError
from stackproject.middleware import API_PREFIXES

# Set on a request whose upload was stopped outside the API (an admin form): why its file is missing.
REFUSED_ATTRIBUTE = "upload_refused"

# Room for the multipart framing and the form fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"File too large: the limit is {limit} bytes.", param="file")


def upload_refused(request: Any) -> str | None:
    """Why the request's upload was stopped (the message for a form), or None."""
    return getattr(request, REFUSED_ATTRIBUTE, None)


class SizeLimitUploadHandler(FileUploadHandler):
    """First of the upload handlers: counts each file's bytes and refuses the upload past the limit.

    On the API the refusal is a 413. Elsewhere (the admin's upload form) the upload stops, the form
    fields read so far are kept, and the request records why its file is missing, for the form to say.
    Either way the parse ends before the next handlers write more to their temporary file.
    """

    refused_early = False

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: bytes, encoding: str | None = None
    ) -> None:
        self.limit = settings.STACK_FILES_MAX_BYTES
        if content_length and content_length > self.limit + MULTIPART_OVERHEAD_BYTES:
            if self._for_api():
                raise too_large(self.limit)
            # Not raised here, where Django's parser cannot stop cleanly: at the file's first bytes.
            self.refused_early = True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.refused_early or start + len(raw_data) > self.limit:
            self._refuse()
        return raw_data

    def _for_api(self) -> bool:
        return self.request is None or self.request.path.startswith(API_PREFIXES)

    def _refuse(self) -> None:
        error = too_large(self.limit)
        if self._for_api():
            raise error
        setattr(self.request, REFUSED_ATTRIBUTE, error.message)
        raise StopUpload(connection_reset=False)

    def file_complete(self, file_size: int) -> None:
        return None
