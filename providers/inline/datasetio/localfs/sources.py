"""Where a dataset's URI points: a stored file (/v1/files), a path under an allowed directory, or a data: URI.

Parsing does no I/O; `PathRef.open` checks the path against the allowed directories again, after
following symbolic links, every time it opens it.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from providers.inline.datasetio.localfs.readers import EXTENSIONS, MEDIA_TYPES

FILE_ID_URI = re.compile(r"^(?:/v1/files/)?(file-[0-9a-f]{1,64})(?:/content)?$")


class SourceError(ValueError):
    """A URI this provider cannot read; the message says why, for the person who gave it."""


@dataclass(frozen=True)
class FileIdRef:
    """A file uploaded through the Files API; read with the caller's rights."""

    file_id: str


@dataclass(frozen=True)
class PathRef:
    path: Path
    allowed: tuple[Path, ...]

    @property
    def format(self) -> str | None:
        return EXTENSIONS.get(self.path.suffix.lower())

    def open(self) -> IO[bytes]:
        try:
            resolved = self.path.resolve(strict=True)
        except (FileNotFoundError, NotADirectoryError):
            raise SourceError(f"File '{self.path}' does not exist.") from None
        except OSError as exc:
            raise SourceError(f"File '{self.path}' cannot be read: {exc.strerror}.") from None
        # A symbolic link must not lead out of the allowed directories.
        if not _under(resolved, self.allowed):
            raise SourceError(_not_allowed(self.path))
        if not resolved.is_file():
            raise SourceError(f"'{self.path}' is not a file.")
        try:
            return open(resolved, "rb")
        except OSError as exc:
            raise SourceError(f"File '{self.path}' cannot be read: {exc.strerror}.") from None


@dataclass(frozen=True)
class DataRef:
    media_type: str
    payload: bytes

    @property
    def format(self) -> str | None:
        return MEDIA_TYPES.get(self.media_type)


SourceRef = FileIdRef | PathRef | DataRef


def _under(path: Path, directories: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(directory) for directory in directories)


def _not_allowed(path: Path) -> str:
    return f"'{path}' is not under a directory this server reads datasets from (STACK_DATASETS_DIRS)."


def allowed_directories(configured: list[str]) -> tuple[Path, ...]:
    """Each directory as configured and as it resolves (it may itself sit behind a symbolic link)."""
    directories: list[Path] = []
    for directory in configured:
        written = Path(os.path.normpath(Path(directory).expanduser()))
        for form in (written, written.resolve()):
            if form.is_absolute() and form not in directories:
                directories.append(form)
    return tuple(directories)


def parse_uri(uri: str, *, allowed: tuple[Path, ...]) -> SourceRef:
    """The reference a dataset URI makes; SourceError for one this provider does not read."""
    match = FILE_ID_URI.match(uri)
    if match:
        return FileIdRef(match.group(1))
    scheme = uri.partition(":")[0].lower()
    if scheme == "data":
        return _data_uri(uri)
    if scheme == "file":
        return _file_uri(uri, allowed)
    raise SourceError(
        f"Unsupported dataset URI '{uri[:200]}': use a file id ('file-...'), a 'file://' path or a 'data:' URI."
    )


def _data_uri(uri: str) -> DataRef:
    header, comma, data = uri[len("data:") :].partition(",")
    if not comma:
        raise SourceError("A data: URI needs a ',' before its data.")
    params = [part.strip().lower() for part in header.split(";")]
    media_type = params[0] or "text/plain"
    if media_type not in MEDIA_TYPES and media_type != "text/plain":
        raise SourceError(
            f"Unsupported data: URI media type '{media_type}': use text/csv, application/jsonl or application/json."
        )
    try:
        payload = base64.b64decode(data, validate=True) if "base64" in params[1:] else unquote_to_bytes(data)
    except (binascii.Error, ValueError):
        raise SourceError("The data: URI's base64 data is not valid.") from None
    return DataRef(media_type, payload)


def _file_uri(uri: str, allowed: tuple[Path, ...]) -> PathRef:
    parts = urlsplit(uri)
    if parts.netloc not in ("", "localhost"):
        raise SourceError(f"file: URIs name a local path, not host '{parts.netloc}'.")
    raw = unquote(parts.path)
    if not raw.startswith("/"):
        raise SourceError("A file: URI needs an absolute path ('file:///path/to/rows.jsonl').")
    path = Path(raw)
    if ".." in path.parts:
        raise SourceError("A file: URI must not contain '..'.")
    # Checked on the path as written first, so that nothing is learned of files outside the directories.
    if not _under(Path(os.path.normpath(raw)), allowed):
        raise SourceError(_not_allowed(path))
    return PathRef(path, allowed)
