"""The datasetio API through the real router: pages of rows from every kind of source, appended rows after them,
files read only as far as the page needs, and the file:// directory rules."""

import json
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apis.datasetio.models import AppendedRow
from tests.apis.datasets.support import post

pytestmark = pytest.mark.django_db

ROWS = [{"n": i, "text": f"row {i}"} for i in range(5)]


def register(client: Client, source: dict, dataset_id: str = "ds") -> dict:
    body = {"purpose": "eval/question-answer", "source": source, "dataset_id": dataset_id}
    response = post(client, "/v1beta/datasets", body)
    assert response.status_code == 200, response.content
    return response.json()


def page(client: Client, dataset_id: str = "ds", **query: object) -> dict:
    response = client.get(f"/v1beta/datasetio/iterrows/{dataset_id}", query)
    assert response.status_code == 200, response.content
    return response.json()


def upload(client: Client, name: str, content: bytes) -> str:
    response = client.post("/v1/files", {"file": SimpleUploadedFile(name, content), "purpose": "user_data"})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def test_pages_of_inline_rows(client: Client, eval_stack) -> None:
    register(client, {"type": "rows", "rows": ROWS})
    assert page(client, limit=2) == {"data": ROWS[:2], "next_start_index": 2, "has_more": True}
    assert page(client, start_index=2, limit=2) == {"data": ROWS[2:4], "next_start_index": 4, "has_more": True}
    assert page(client, start_index=4, limit=2) == {"data": ROWS[4:], "next_start_index": None, "has_more": False}
    # Exactly as many rows as asked for remain: no further page is announced.
    assert page(client, start_index=3, limit=2) == {"data": ROWS[3:], "next_start_index": None, "has_more": False}
    assert page(client, start_index=9) == {"data": [], "next_start_index": None, "has_more": False}
    assert page(client) == {"data": ROWS, "next_start_index": None, "has_more": False}


def test_a_page_holds_at_most_the_page_size(client: Client, eval_stack, settings) -> None:
    settings.STACK_DATASETIO_PAGE_SIZE = 3
    register(client, {"type": "rows", "rows": ROWS})
    assert page(client, limit=-1)["data"] == ROWS[:3]
    assert page(client, limit=100) == {"data": ROWS[:3], "next_start_index": 3, "has_more": True}
    assert page(client, start_index=3)["data"] == ROWS[3:]


@pytest.mark.parametrize(
    ("query", "param"), [({"limit": 0}, "limit"), ({"limit": -2}, "limit"), ({"start_index": -1}, "start_index")]
)
def test_invalid_paging_is_400(client: Client, eval_stack, query: dict, param: str) -> None:
    register(client, {"type": "rows", "rows": ROWS})
    response = client.get("/v1beta/datasetio/iterrows/ds", query)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_unknown_dataset_is_404(client: Client, eval_stack) -> None:
    assert client.get("/v1beta/datasetio/iterrows/nope").status_code == 404
    appended = post(client, "/v1beta/datasetio/append-rows/nope", {"rows": [{"a": 1}]})
    assert appended.status_code == 404
    assert appended.json()["error"]["message"] == "Dataset 'nope' not found."


def test_appended_rows_follow_inline_rows(client: Client, eval_stack) -> None:
    register(client, {"type": "rows", "rows": ROWS[:2]})
    first = post(client, "/v1beta/datasetio/append-rows/ds", {"rows": ROWS[2:4]})
    assert first.json() == {"dataset_id": "ds", "appended": 2}
    post(client, "/v1beta/datasetio/append-rows/ds", {"rows": ROWS[4:]})
    assert page(client)["data"] == ROWS
    assert page(client, start_index=1, limit=2) == {"data": ROWS[1:3], "next_start_index": 3, "has_more": True}
    assert list(AppendedRow.objects.order_by("index").values_list("index", flat=True)) == [0, 1, 2]
    empty = post(client, "/v1beta/datasetio/append-rows/ds", {"rows": []})
    assert empty.status_code == 400
    assert empty.json()["error"]["param"] == "rows"
    # Unregistering the dataset removes its appended rows.
    client.delete("/v1beta/datasets/ds")
    assert not AppendedRow.objects.exists()


CSV = b"\xef\xbb\xbfinput_query,expected_answer\n2+2,4\n\"a, b\",\"x\"\"y\"\n3*3,9\n"
CSV_ROWS = [
    {"input_query": "2+2", "expected_answer": "4"},
    {"input_query": "a, b", "expected_answer": 'x"y'},
    {"input_query": "3*3", "expected_answer": "9"},
]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("qa.csv", CSV),
        ("qa.jsonl", b"".join(json.dumps(row).encode() + b"\n\n" for row in CSV_ROWS)),
        ("qa.json", json.dumps(CSV_ROWS, indent=2).encode()),
        # No known extension: the first character tells the format.
        ("qa.txt", json.dumps(CSV_ROWS).encode()),
        ("qa.data", b" \n" + b"\n".join(json.dumps(row).encode() for row in CSV_ROWS)),
        ("qa", CSV),
    ],
)
def test_uploaded_files_in_every_format(client: Client, eval_stack, name: str, content: bytes) -> None:
    file_id = upload(client, name, content)
    for uri in (file_id, f"/v1/files/{file_id}"):
        client.delete("/v1beta/datasets/ds")
        register(client, {"type": "uri", "uri": uri})
        assert page(client) == {"data": CSV_ROWS, "next_start_index": None, "has_more": False}
        assert page(client, start_index=1, limit=1) == {"data": CSV_ROWS[1:2], "next_start_index": 2, "has_more": True}


def test_appended_rows_follow_the_rows_of_the_file(client: Client, eval_stack) -> None:
    register(client, {"type": "uri", "uri": upload(client, "qa.csv", CSV)})
    post(client, "/v1beta/datasetio/append-rows/ds", {"rows": [{"input_query": "new", "expected_answer": "row"}]})
    assert page(client, start_index=2, limit=2) == {
        "data": [CSV_ROWS[2], {"input_query": "new", "expected_answer": "row"}],
        "next_start_index": None,
        "has_more": False,
    }
    assert page(client, start_index=3)["data"] == [{"input_query": "new", "expected_answer": "row"}]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("bad.jsonl", b'{"n": 0}\n{"n": 1}\n{"n": 2}\n{"n": 3\n{"n": 4}\n', "line 4 is not valid JSON"),
        ("bad.json", b'[{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, 7]', "row 5 is a JSON int, not an object"),
        ("bad.csv", b"n\n0\n1\n2\n3\n4,extra\n", "line 6 has more fields than the header"),
    ],
)
def test_files_are_read_only_as_far_as_the_page_needs(
    client: Client, eval_stack, name: str, content: bytes, error: str
) -> None:
    """The rows after the page are never read: a broken row further on does not stop the first pages."""
    file_id = upload(client, name, content)
    register(client, {"type": "uri", "uri": file_id})
    first = page(client, limit=2)
    assert [row["n"] for row in first["data"]] in ([0, 1], ["0", "1"])
    assert first["next_start_index"] == 2
    broken = client.get("/v1beta/datasetio/iterrows/ds", {"start_index": 2, "limit": 10})
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid_dataset_source"
    assert error in broken.json()["error"]["message"]
    assert file_id in broken.json()["error"]["message"]


def test_a_file_the_dataset_names_that_is_gone_is_reported(client: Client, eval_stack) -> None:
    file_id = upload(client, "qa.csv", CSV)
    register(client, {"type": "uri", "uri": file_id})
    assert client.delete(f"/v1/files/{file_id}").status_code == 200
    response = client.get("/v1beta/datasetio/iterrows/ds")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == f"Dataset 'ds' names file '{file_id}', which was not found."


def test_file_uris_under_the_allowed_directories(client: Client, eval_stack, tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    (allowed / "sub").mkdir()
    (allowed / "sub" / "qa.csv").write_bytes(CSV)
    register(client, {"type": "uri", "uri": f"file://{allowed}/sub/qa.csv"})
    assert page(client)["data"] == CSV_ROWS
    # Percent-encoded names and file://localhost/ are the same path.
    (allowed / "with space.jsonl").write_text("\n".join(json.dumps(row) for row in CSV_ROWS))
    register(client, {"type": "uri", "uri": f"file://localhost{allowed}/with%20space.jsonl"}, dataset_id="spaced")
    assert page(client, "spaced")["data"] == CSV_ROWS


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("file://{allowed}/../secret.csv", "A file: URI must not contain '..'."),
        ("file://{allowed}/sub/../../secret.csv", "A file: URI must not contain '..'."),
        ("file://{tmp}/secret.csv", "'{tmp}/secret.csv' is not under a directory this server reads datasets from"),
        ("file://{tmp}/allowed-twin/qa.csv", "is not under a directory this server reads datasets from"),
        ("file://{allowed}/escape.csv", "'{allowed}/escape.csv' is not under a directory this server reads datasets"),
        ("file://{allowed}/missing.csv", "File '{allowed}/missing.csv' does not exist."),
        ("file://{allowed}/sub", "'{allowed}/sub' is not a file."),
        ("file://server/{allowed}/qa.csv", "file: URIs name a local path, not host 'server'."),
        ("file:relative/qa.csv", "A file: URI needs an absolute path"),
    ],
)
def test_file_uris_outside_the_allowed_directories_are_refused(
    client: Client, eval_stack, tmp_path: Path, uri: str, message: str
) -> None:
    allowed = tmp_path / "allowed"
    (allowed / "sub").mkdir()
    (tmp_path / "secret.csv").write_bytes(CSV)
    (tmp_path / "allowed-twin").mkdir()
    (tmp_path / "allowed-twin" / "qa.csv").write_bytes(CSV)
    # A link inside the directory must not lead out of it.
    os.symlink(tmp_path / "secret.csv", allowed / "escape.csv")
    names = {"allowed": str(allowed), "tmp": str(tmp_path)}
    response = post(
        client,
        "/v1beta/datasets",
        {"purpose": "eval/question-answer", "source": {"type": "uri", "uri": uri.format(**names)}},
    )
    assert response.status_code == 400, response.content
    assert message.format(**names) in response.json()["error"]["message"]


def test_a_link_that_leaves_the_directory_later_is_refused_when_read(
    client: Client, eval_stack, tmp_path: Path
) -> None:
    allowed = tmp_path / "allowed"
    (allowed / "qa.csv").write_bytes(CSV)
    (allowed / "current.csv").symlink_to(allowed / "qa.csv")
    (tmp_path / "secret.csv").write_bytes(b"password\nhunter2\n")
    register(client, {"type": "uri", "uri": f"file://{allowed}/current.csv"})
    assert page(client)["data"] == CSV_ROWS
    (allowed / "current.csv").unlink()
    (allowed / "current.csv").symlink_to(tmp_path / "secret.csv")
    response = client.get("/v1beta/datasetio/iterrows/ds")
    assert response.status_code == 400
    assert "is not under a directory this server reads datasets from" in response.json()["error"]["message"]
    assert "hunter2" not in response.content.decode()


def test_data_uris(client: Client, eval_stack) -> None:
    register(client, {"type": "uri", "uri": "data:text/csv,a%2Cb%0A1%2C2%0A3%2C4"}, dataset_id="csv")
    assert page(client, "csv")["data"] == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
    register(client, {"type": "uri", "uri": 'data:,[{"a": 1}]'}, dataset_id="sniffed")
    assert page(client, "sniffed")["data"] == [{"a": 1}]
