"""Rows of a CSV, JSON Lines or JSON file, read as a stream: only as much of the file as the rows asked for.

CSV has a header line; its values are strings. JSON Lines holds one object a line (blank lines are
skipped). JSON is an array of objects, decoded one object at a time.
"""

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

FORMATS = ("csv", "jsonl", "json")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
MEDIA_TYPES = {
    "text/csv": "csv",
    "application/jsonl": "jsonl",
    "application/x-jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/json": "json",
}
CHUNK_CHARS = 65536
# A JSON row larger than this (or a file that stops being valid JSON) ends the read with an error rather than
# with the rest of the file in memory.
MAX_ROW_CHARS = 16 * 1024 * 1024


class DatasetFormatError(ValueError):
    """The file is not what its format says; the message names the row (or line) at fault."""


class _Prefixed(io.RawIOBase):
    """The bytes already read to sniff the format, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(view), len(self._head))
            view[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def sniff(stream: IO[bytes]) -> tuple[str, IO[bytes]]:
    """The format told by the first byte that is not white space ('[' JSON, '{' JSON Lines, else CSV),
    and a stream that still starts at the beginning."""
    head = b""
    while True:
        chunk = stream.read(4096)
        head += chunk
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped or not chunk:
            break
    first = stripped[:1]
    fmt = "json" if first == b"[" else "jsonl" if first == b"{" else "csv"
    return fmt, io.BufferedReader(_Prefixed(head, stream), buffer_size=CHUNK_CHARS)


def read_rows(stream: IO[bytes], fmt: str) -> Iterator[dict[str, Any]]:
    """The rows of a binary stream in the given format, one at a time."""
    if fmt == "csv":
        return _csv_rows(stream)
    if fmt == "jsonl":
        return _jsonl_rows(stream)
    if fmt == "json":
        return _json_rows(stream)
    raise ValueError(f"unknown format {fmt!r}")


def _binary(stream: IO[bytes]) -> io.BufferedIOBase:
    return stream if isinstance(stream, io.BufferedIOBase) else io.BufferedReader(_Prefixed(b"", stream))


def _text(stream: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(_binary(stream), encoding="utf-8-sig", newline="")


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """The stream's lines as text (with their line ends), decoded one by one so that an error names its line."""
    for number, raw in enumerate(_binary(stream), start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise DatasetFormatError(f"line {number} is not UTF-8 text") from exc


def _csv_rows(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    reader = csv.DictReader(_lines(stream))
    try:
        for row in reader:
            if None in row:
                raise DatasetFormatError(f"line {reader.line_num} has more fields than the header")
            yield dict(row)
    except csv.Error as exc:
        raise DatasetFormatError(f"line {reader.line_num}: {exc}") from exc


def _jsonl_rows(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(_lines(stream), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise DatasetFormatError(f"line {number} is not valid JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise DatasetFormatError(f"line {number} is a JSON {type(value).__name__}, not an object")
        yield value


def _json_rows(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    try:
        yield from _JsonArray(_text(stream)).rows()
    except UnicodeDecodeError as exc:
        raise DatasetFormatError("the file is not UTF-8 text") from exc


class _JsonArray:
    """Decodes the objects of a top-level JSON array one by one, reading the text in chunks."""

    def __init__(self, text: IO[str]) -> None:
        self.text = text
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(CHUNK_CHARS)
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        self.eof = not chunk
        return bool(chunk)

    def _next_char(self) -> str:
        """The next character that is not white space, without consuming it ('' at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def rows(self) -> Iterator[dict[str, Any]]:
        if self._next_char() != "[":
            raise DatasetFormatError("a JSON dataset must be an array of objects")
        self.pos += 1
        number = 0
        if self._next_char() == "]":
            return
        while True:
            number += 1
            value = self._value(number)
            if not isinstance(value, dict):
                raise DatasetFormatError(f"row {number} is a JSON {type(value).__name__}, not an object")
            yield value
            separator = self._next_char()
            self.pos += 1
            if separator == "]":
                return
            if separator != ",":
                raise DatasetFormatError(f"expected ',' or ']' after row {number}")
            self._next_char()

    def _value(self, number: int) -> Any:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buffer) - self.pos > MAX_ROW_CHARS or not self._fill():
                    raise DatasetFormatError(f"row {number} is not valid JSON: {exc.msg}") from exc
                continue
            # A number at the very end of what was read may continue in the next chunk.
            if end == len(self.buffer) and not self.eof and self._fill():
                continue
            self.pos = end
            return value
