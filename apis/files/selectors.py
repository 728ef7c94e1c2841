"""Reads of stored files, and the one mapping from a row to the API's file object."""

from datetime import datetime
from itertools import islice
from typing import IO

from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.utils import timezone

from apis.access.guards import ensure, readable
from apis.common.errors import StoredFileNotFoundError
from apis.files.models import StoredFile
from apis.files.schemas import OpenAIFileObject


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def file_to_schema(row: StoredFile) -> OpenAIFileObject:
    return OpenAIFileObject(
        id=row.id,
        bytes=row.bytes,
        created_at=int(row.created_at.timestamp()),
        expires_at=_timestamp(row.expires_at),
        filename=row.filename,
        purpose=row.purpose,  # type: ignore[arg-type]
    )


def files_live() -> QuerySet[StoredFile]:
    """Files that have not expired (expired ones wait for the periodic task to remove them)."""
    return StoredFile.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


def file_get(*, file_id: str, action: str = "read") -> StoredFile:
    """The file, if the caller may `action` it (404 when they may not even read it)."""
    row = files_live().filter(id=file_id).first()
    if row is None:
        raise StoredFileNotFoundError(file_id)
    ensure("file", row, action, StoredFileNotFoundError(file_id))
    return row


def file_list(*, after: str | None, limit: int, order: str, purpose: str | None) -> tuple[list[StoredFile], bool]:
    """One page of files ordered by (created_at, id), and whether more follow."""
    rows = files_live()
    if purpose is not None:
        rows = rows.filter(purpose=purpose)
    descending = order == "desc"
    if after is not None:
        cursor = StoredFile.objects.filter(id=after).values_list("created_at", flat=True).first()
        if cursor is None:
            raise StoredFileNotFoundError(after, param="after")
        if descending:
            rows = rows.filter(Q(created_at__lt=cursor) | Q(created_at=cursor, id__lt=after))
        else:
            rows = rows.filter(Q(created_at__gt=cursor) | Q(created_at=cursor, id__gt=after))
    rows = rows.order_by(*(("-created_at", "-id") if descending else ("created_at", "id")))
    page = list(islice(readable("file", rows.iterator(chunk_size=max(limit + 1, 100))), limit + 1))
    return page[:limit], len(page) > limit


def file_open(*, row: StoredFile) -> IO[bytes]:
    """The file's bytes as an open binary stream; the caller closes it."""
    return default_storage.open(row.storage_name, "rb")


def file_preview(*, row: StoredFile, max_lines: int = 10, max_bytes: int = 16384) -> str:
    """The first lines of a file as text, for the admin."""
    with file_open(row=row) as stream:
        head = stream.read(max_bytes)
    lines = head.decode("utf-8", errors="replace").splitlines()[:max_lines]
    return "\n".join(lines)
