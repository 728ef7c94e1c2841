"""The localfs readers on files larger than their read chunks: rows across chunk boundaries, rows larger than a
chunk, and errors that name the row."""

import io
import json

import pytest

from providers.inline.datasetio.localfs.readers import (
    CHUNK_CHARS,
    DatasetFormatError,
    read_rows,
    sniff,
)

ROWS = [{"n": i, "value": 1.5 * i, "text": "x" * (i % 97), "nested": {"list": [i, None, True]}} for i in range(4000)]


@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])
def test_a_json_array_larger_than_many_chunks_is_decoded_row_by_row(separators: tuple[str, str]) -> None:
    data = json.dumps(ROWS, separators=separators).encode()
    assert len(data) > 4 * CHUNK_CHARS
    assert list(read_rows(io.BytesIO(data), "json")) == ROWS


def test_numbers_cut_by_a_chunk_boundary_are_read_whole() -> None:
    # Place a long number so that it straddles the end of the first chunk.
    prefix = '[{"pad": "' + "p" * (CHUNK_CHARS - 20) + '"}, '
    number = 12345678901234567890
    data = (prefix + json.dumps({"n": number}) + ", " + json.dumps({"n": 1}) + "]").encode()
    rows = list(read_rows(io.BytesIO(data), "json"))
    assert rows[1:] == [{"n": number}, {"n": 1}]


def test_a_row_larger_than_a_chunk() -> None:
    big = {"text": "y" * (3 * CHUNK_CHARS)}
    data = json.dumps([{"a": 1}, big, {"b": 2}]).encode()
    assert list(read_rows(io.BytesIO(data), "json")) == [{"a": 1}, big, {"b": 2}]


def test_reading_the_first_rows_does_not_read_the_whole_file() -> None:
    for fmt, data in (
        ("json", json.dumps(ROWS).encode()),
        ("jsonl", "\n".join(json.dumps(row) for row in ROWS).encode()),
        ("csv", ("n,text\n" + "".join(f"{row['n']},{row['text']}\n" for row in ROWS)).encode()),
    ):
        stream = io.BytesIO(data)
        rows = read_rows(stream, fmt)
        first = [next(rows) for _ in range(3)]
        assert [str(row["n"]) for row in first] == ["0", "1", "2"]
        # At most one read chunk ahead of the rows returned, out of a file several chunks long.
        assert len(data) > 3 * CHUNK_CHARS
        assert stream.tell() <= CHUNK_CHARS, fmt


@pytest.mark.parametrize(
    ("fmt", "data", "message"),
    [
        ("json", b'{"a": 1}', "a JSON dataset must be an array of objects"),
        ("json", b'[{"a": 1} {"b": 2}]', "expected ',' or ']' after row 1"),
        ("json", b'[{"a": 1}, {"b": ]', "row 2 is not valid JSON: Expecting value"),
        ("json", b'[{"a": 1}, "text"]', "row 2 is a JSON str, not an object"),
        ("jsonl", b'{"a": 1}\n[1]\n', "line 2 is a JSON list, not an object"),
        ("jsonl", b'{"a": 1}\n\xff\xfe\n', "line 2 is not UTF-8 text"),
        ("csv", b"a,b\n1,2,3\n", "line 2 has more fields than the header"),
    ],
)
def test_errors_name_the_row(fmt: str, data: bytes, message: str) -> None:
    with pytest.raises(DatasetFormatError) as error:
        list(read_rows(io.BytesIO(data), fmt))
    assert str(error.value) == message


def test_empty_files_have_no_rows() -> None:
    assert list(read_rows(io.BytesIO(b"[]"), "json")) == []
    assert list(read_rows(io.BytesIO(b" [ ] "), "json")) == []
    assert list(read_rows(io.BytesIO(b""), "jsonl")) == []
    assert list(read_rows(io.BytesIO(b"a,b\n"), "csv")) == []


@pytest.mark.parametrize(
    ("data", "fmt"), [(b"\xef\xbb\xbf  [{}]", "json"), (b"\n\n{}", "jsonl"), (b"a,b", "csv"), (b"", "csv")]
)
def test_sniffing_keeps_every_byte(data: bytes, fmt: str) -> None:
    sniffed, stream = sniff(io.BytesIO(data))
    assert sniffed == fmt
    assert stream.read() == data
