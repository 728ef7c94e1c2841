"""The `inline::localfs` datasetio provider.

A dataset's rows are those of its source (the inline rows kept with its registration, or those of the
file its URI names), then the rows appended to it, which are kept in the database. A page reads the
source no further than the page's last row (one more, to know whether rows follow).
"""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from asgiref.sync import sync_to_async
from django.conf import settings

from apis.common.errors import BadRequestError, StoredFileNotFoundError
from apis.datasetio import selectors, services
from apis.datasetio.schemas import IterRowsResponse
from apis.datasets.schemas import Dataset, DataSource, RowsDataSource
from apis.files.protocol import Files
from apis.files.schemas import RetrieveFileContentRequest
from providers.inline.datasetio.localfs.config import LocalfsDatasetIOConfig
from providers.inline.datasetio.localfs.readers import EXTENSIONS, DatasetFormatError, read_rows, sniff
from providers.inline.datasetio.localfs.sources import (
    DataRef,
    FileIdRef,
    PathRef,
    SourceError,
    allowed_directories,
    parse_uri,
)


@dataclass
class Opened:
    """A source file opened for reading, and its format."""

    stream: IO[bytes]
    format: str
    name: str


@dataclass(frozen=True)
class SourcePage:
    rows: list[dict[str, Any]]
    # How many rows the source has, once the read reached its end (None when it stopped before).
    total: int | None


class LocalfsDatasetIO:
    def __init__(self, config: LocalfsDatasetIOConfig, *, files: Files | None) -> None:
        self.config = config
        self.files = files

    async def health(self) -> dict[str, Any]:
        return {"status": "OK"}

    def _allowed(self) -> tuple[Any, ...]:
        return allowed_directories(list(settings.STACK_DATASETS_DIRS))

    def supports_source(self, source: DataSource) -> bool:
        if isinstance(source, RowsDataSource):
            return True
        try:
            parse_uri(source.uri, allowed=self._allowed())
        except SourceError:
            return False
        return True

    async def check_source(self, source: DataSource) -> None:
        """Open the source and read its first row: the caller learns now, not at the first page."""
        if isinstance(source, RowsDataSource):
            return
        opened = await self._open(source.uri, label="The dataset source")
        await sync_to_async(_read, thread_sensitive=False)(opened, 0, 1, "The dataset source")

    async def iterrows(self, dataset: Dataset, start_index: int, limit: int) -> IterRowsResponse:
        wanted = limit + 1  # one more than asked: whether rows follow
        label = f"Dataset '{dataset.identifier}'"
        if isinstance(dataset.source, RowsDataSource):
            rows = dataset.source.rows
            end = start_index + wanted
            source = SourcePage(rows[start_index:end], len(rows) if end >= len(rows) else None)
        else:
            opened = await self._open(dataset.source.uri, label=label)
            source = await sync_to_async(_read, thread_sensitive=False)(opened, start_index, wanted, label)
        page = source.rows
        if source.total is not None:
            page = page + await sync_to_async(selectors.appended_rows_page)(
                identifier=dataset.identifier,
                offset=max(0, start_index - source.total),
                count=wanted - len(page),
            )
        has_more = len(page) > limit
        data = page[:limit]
        return IterRowsResponse(
            data=data, next_start_index=start_index + len(data) if has_more else None, has_more=has_more
        )

    async def append_rows(self, dataset: Dataset, rows: list[dict[str, Any]]) -> int:
        return await sync_to_async(services.appended_rows_add)(identifier=dataset.identifier, rows=rows)

    async def _open(self, uri: str, *, label: str) -> Opened:
        try:
            ref = parse_uri(uri, allowed=self._allowed())
        except SourceError as exc:
            raise BadRequestError(f"{label} cannot be read: {exc}", param="source.uri") from None
        if isinstance(ref, FileIdRef):
            return await self._open_file(ref, label)
        return await sync_to_async(_open_local, thread_sensitive=False)(ref, label)

    async def _open_file(self, ref: FileIdRef, label: str) -> Opened:
        if self.files is None:
            raise BadRequestError(
                f"{label} names file '{ref.file_id}', but no files provider is available.", param="source.uri"
            )
        try:
            # Through the Files API with the caller's rights: a file they may not read does not exist for them.
            content = await self.files.openai_retrieve_file_content(RetrieveFileContentRequest(file_id=ref.file_id))
        except StoredFileNotFoundError:
            raise BadRequestError(
                f"{label} names file '{ref.file_id}', which was not found.", param="source.uri"
            ) from None
        return await sync_to_async(_with_format, thread_sensitive=False)(
            content.stream, _format_of_name(content.filename), ref.file_id
        )


def _format_of_name(filename: str) -> str | None:
    return EXTENSIONS.get(Path(filename).suffix.lower())


def _with_format(stream: IO[bytes], fmt: str | None, name: str) -> Opened:
    if fmt is not None:
        return Opened(stream, fmt, name)
    sniffed, rewound = sniff(stream)
    return Opened(rewound, sniffed, name)


def _open_local(ref: DataRef | PathRef, label: str) -> Opened:
    if isinstance(ref, DataRef):
        return _with_format(io.BytesIO(ref.payload), ref.format, "the data: URI")
    try:
        stream = ref.open()
    except SourceError as exc:
        raise BadRequestError(f"{label} cannot be read: {exc}", param="source.uri") from None
    return _with_format(stream, ref.format, str(ref.path))


def _read(opened: Opened, start: int, count: int, label: str) -> SourcePage:
    """Rows [start, start + count) of the source, reading no further; the source's size when it ends first."""
    seen = 0
    rows: list[dict[str, Any]] = []
    try:
        with opened.stream:
            for row in read_rows(opened.stream, opened.format):
                if seen >= start:
                    rows.append(row)
                    if len(rows) == count:
                        return SourcePage(rows, None)
                seen += 1
    except DatasetFormatError as exc:
        raise BadRequestError(
            f"{label} cannot be read: {opened.name} is not valid {opened.format.upper()}: {exc}.",
            code="invalid_dataset_source",
            param="source.uri",
        ) from None
    return SourcePage(rows, seen)
