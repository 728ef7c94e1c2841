"""Writes of stored files: upload (bytes to storage, then the row), delete, and removal of expired files."""

import logging
import secrets
from datetime import timedelta
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apis.access.guards import ensure_create
from apis.files.models import StoredFile
from apis.files.selectors import file_get

logger = logging.getLogger(__name__)


def new_file_id() -> str:
    return f"file-{secrets.token_hex(12)}"


def file_upload(
    *,
    fileobj: IO[bytes],
    filename: str,
    purpose: str,
    expires_after_seconds: int | None = None,
    owner_principal: str = "",
    owner_attributes: dict[str, Any] | None = None,
) -> StoredFile:
    """Store the bytes of `fileobj` (streamed by the storage, never read whole) and record the file."""
    file_id = new_file_id()
    ensure_create("file", file_id)
    # An uploaded temporary file is moved into place by the file system storage rather than copied.
    storage_name = default_storage.save(file_id, File(fileobj, name=filename))
    created_at = timezone.now()
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                id=file_id,
                filename=filename,
                purpose=purpose,
                bytes=default_storage.size(storage_name),
                storage_name=storage_name,
                created_at=created_at,
                expires_at=created_at + timedelta(seconds=expires_after_seconds) if expires_after_seconds else None,
                owner_principal=owner_principal,
                owner_attributes=owner_attributes or {},
            )
    except BaseException:
        default_storage.delete(storage_name)
        raise


def _remove(row: StoredFile) -> None:
    """Delete the row, then the bytes once the deletion has committed (a rollback keeps both)."""
    row.delete()
    storage_name = row.storage_name
    transaction.on_commit(lambda: default_storage.delete(storage_name))


@transaction.atomic
def file_delete(*, file_id: str) -> str:
    row = file_get(file_id=file_id, action="delete")
    _remove(row)
    return file_id


def files_expire(*, batch_size: int = 500) -> int:
    """Remove every file whose expiry has passed; returns how many were removed."""
    removed = 0
    while True:
        with transaction.atomic():
            rows = list(StoredFile.objects.filter(expires_at__lte=timezone.now()).order_by("expires_at")[:batch_size])
            for row in rows:
                _remove(row)
        removed += len(rows)
        if len(rows) < batch_size:
            break
    if removed:
        logger.info("Removed %d expired files", removed)
    return removed
