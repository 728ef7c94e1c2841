"""The Files API through the real router: upload, list, retrieve, content, delete, limits and expiry."""

import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apis.files.models import StoredFile
from apis.files.tasks import files_expire_task

pytestmark = pytest.mark.django_db


def upload(client: Client, content: bytes = b'{"a": 1}\n', name: str = "input.jsonl", prefix: str = "/v1", **fields):
    data = {"file": SimpleUploadedFile(name, content), "purpose": "batch", **fields}
    return client.post(f"{prefix}/files", data)


def content_of(response) -> bytes:
    """The body of a streamed download (the route streams with an async iterator, as under ASGI)."""

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(collect)()


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def test_upload_returns_the_file_object_and_stores_the_bytes(client: Client, settings) -> None:
    before = int(time.time())
    response = upload(client, b"line 1\nline 2\n")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"].startswith("file-")
    assert body["object"] == "file"
    assert body["bytes"] == 14
    assert body["filename"] == "input.jsonl"
    assert body["purpose"] == "batch"
    assert body["expires_at"] is None
    assert before <= body["created_at"] <= int(time.time())
    row = StoredFile.objects.get(id=body["id"])
    assert (Path(settings.MEDIA_ROOT) / row.storage_name).read_bytes() == b"line 1\nline 2\n"


def test_large_upload_goes_through_a_temporary_file_not_memory(client: Client, settings) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    content = b"x" * 300_000
    response = upload(client, content)
    assert response.status_code == 200
    assert content_of(client.get(f"/v1/files/{response.json()['id']}/content")) == content


def test_retrieve_and_content(client: Client) -> None:
    file_id = upload(client, b"hello\x00bytes").json()["id"]
    response = client.get(f"/v1/files/{file_id}")
    assert response.status_code == 200
    assert response.json()["id"] == file_id
    content = client.get(f"/v1/files/{file_id}/content")
    assert content.status_code == 200
    assert content["Content-Type"] == "application/octet-stream"
    assert content["Content-Length"] == "11"
    assert content.streaming
    assert content_of(content) == b"hello\x00bytes"


def test_expires_after_sets_expires_at(client: Client) -> None:
    response = upload(client, **{"expires_after[anchor]": "created_at", "expires_after[seconds]": "3600"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["expires_at"] == body["created_at"] + 3600


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"expires_after[anchor]": "created_at", "expires_after[seconds]": "10"}, "expires_after[seconds]"),
        ({"expires_after[anchor]": "created_at", "expires_after[seconds]": "2592001"}, "expires_after[seconds]"),
        ({"expires_after[anchor]": "last_used", "expires_after[seconds]": "3600"}, "expires_after[anchor]"),
        ({"expires_after[anchor]": "created_at"}, "expires_after[seconds]"),
    ],
)
def test_invalid_expires_after_is_400(client: Client, fields: dict[str, str], param: str) -> None:
    response = upload(client, **fields)
    assert response.status_code == 400
    error = error_of(response)
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"


def test_invalid_or_missing_purpose_is_400(client: Client) -> None:
    response = upload(client, purpose="homework")
    assert response.status_code == 400
    assert error_of(response)["param"] == "purpose"
    missing = client.post("/v1/files", {"file": SimpleUploadedFile("a.txt", b"a")})
    assert missing.status_code == 400
    assert error_of(missing)["param"] == "purpose"


def test_missing_file_part_is_400(client: Client) -> None:
    response = client.post("/v1/files", {"purpose": "batch"})
    assert response.status_code == 400
    assert error_of(response)["param"] == "file"


def test_upload_over_the_limit_is_413_and_stores_nothing(client: Client, settings) -> None:
    settings.STACK_FILES_MAX_BYTES = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    response = upload(client, b"x" * 1001)
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "payload_too_large"
    assert "1000 bytes" in error["message"]
    assert not StoredFile.objects.exists()
    assert upload(client, b"x" * 1000).status_code == 200


def test_content_length_far_over_the_limit_is_refused_before_parsing(client: Client, settings) -> None:
    settings.STACK_FILES_MAX_BYTES = 10
    response = upload(client, b"y" * 200_000)
    assert response.status_code == 413


def test_malformed_id_is_400_and_unknown_id_404(client: Client) -> None:
    for path in ("/v1/files/nope", "/v1/files/nope/content"):
        response = client.get(path)
        assert response.status_code == 400
        error = error_of(response)
        assert error["param"] == "file_id"
        assert "Invalid file id 'nope'" in error["message"]
    assert client.delete("/v1/files/file-XYZ").status_code == 400
    for response in (
        client.get("/v1/files/file-0123abcd"),
        client.get("/v1/files/file-0123abcd/content"),
        client.delete("/v1/files/file-0123abcd"),
    ):
        assert response.status_code == 404
        error = error_of(response)
        assert error["message"] == "File 'file-0123abcd' not found."
        assert error["code"] == "not_found"


def test_delete_removes_row_and_bytes(client: Client, settings, django_capture_on_commit_callbacks) -> None:
    file_id = upload(client).json()["id"]
    stored = Path(settings.MEDIA_ROOT) / StoredFile.objects.get(id=file_id).storage_name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/v1/files/{file_id}")
    assert response.status_code == 200
    assert response.json() == {"id": file_id, "object": "file", "deleted": True}
    assert not stored.exists()
    assert client.get(f"/v1/files/{file_id}").status_code == 404


def test_list_pages_in_both_orders_and_filters_by_purpose(client: Client) -> None:
    ids = []
    for index in range(5):
        purpose = "batch" if index % 2 == 0 else "user_data"
        ids.append(upload(client, f"{index}".encode(), name=f"f{index}.txt", purpose=purpose).json()["id"])
    everything = client.get("/v1/files").json()
    assert everything["object"] == "list"
    assert [f["id"] for f in everything["data"]] == ids[::-1]
    assert everything["has_more"] is False
    assert everything["first_id"] == ids[-1] and everything["last_id"] == ids[0]

    first = client.get("/v1/files", {"limit": 2, "order": "asc"}).json()
    assert [f["id"] for f in first["data"]] == ids[:2]
    assert first["has_more"] is True
    second = client.get("/v1/files", {"limit": 2, "order": "asc", "after": first["last_id"]}).json()
    assert [f["id"] for f in second["data"]] == ids[2:4]
    third = client.get("/v1/files", {"limit": 2, "order": "asc", "after": second["last_id"]}).json()
    assert [f["id"] for f in third["data"]] == ids[4:]
    assert third["has_more"] is False

    descending = client.get("/v1/files", {"limit": 3, "after": ids[4]}).json()
    assert [f["id"] for f in descending["data"]] == [ids[3], ids[2], ids[1]]
    batch_only = client.get("/v1/files", {"purpose": "batch"}).json()
    assert [f["id"] for f in batch_only["data"]] == [ids[4], ids[2], ids[0]]

    empty = client.get("/v1/files", {"purpose": "vision"}).json()
    assert empty == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 10001}, {"order": "up"}, {"purpose": "x"}])
def test_list_rejects_bad_parameters(client: Client, query: dict) -> None:
    response = client.get("/v1/files", query)
    assert response.status_code == 400
    assert error_of(response)["param"] == next(iter(query))


def test_list_with_unknown_cursor_is_404(client: Client) -> None:
    response = client.get("/v1/files", {"after": "file-00ff"})
    assert response.status_code == 404
    assert error_of(response)["param"] == "after"


def test_expired_files_are_hidden_then_removed_by_the_periodic_task(
    client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    keep = upload(client).json()["id"]
    gone = upload(client, **{"expires_after[anchor]": "created_at", "expires_after[seconds]": "3600"}).json()["id"]
    stored = Path(settings.MEDIA_ROOT) / StoredFile.objects.get(id=gone).storage_name
    StoredFile.objects.filter(id=gone).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/v1/files/{gone}").status_code == 404
    assert [f["id"] for f in client.get("/v1/files").json()["data"]] == [keep]
    with django_capture_on_commit_callbacks(execute=True):
        assert files_expire_task.apply().get() == 1
    assert not StoredFile.objects.filter(id=gone).exists()
    assert not stored.exists()
    assert StoredFile.objects.filter(id=keep).exists()


def test_legacy_openai_prefix_serves_the_same_handlers(client: Client) -> None:
    file_id = upload(client, b"legacy", prefix="/v1/openai/v1").json()["id"]
    assert client.get(f"/v1/openai/v1/files/{file_id}").json()["bytes"] == 6
    assert content_of(client.get(f"/v1/openai/v1/files/{file_id}/content")) == b"legacy"
    assert client.get("/v1/openai/v1/files").json()["data"][0]["id"] == file_id
    assert client.delete(f"/v1/openai/v1/files/{file_id}").json()["deleted"] is True


def test_without_a_files_provider_the_api_answers_503(client: Client, settings, tmp_path) -> None:
    from providers import resolver

    empty = tmp_path / "empty.yaml"
    empty.write_text("version: 2\nproviders: {}\n")
    settings.STACK_CONFIG = empty
    resolver.reset()
    response = client.get("/v1/files")
    assert response.status_code == 503
    assert "files" in error_of(response)["message"]


def test_the_files_provider_streams_from_any_binary_file_object() -> None:
    """The batches engine uploads results from temporary files through the same provider."""
    from apis.files.routing import FilesRouter
    from apis.files.schemas import RetrieveFileContentRequest, UploadFileRequest

    router = FilesRouter()
    stored = async_to_sync(router.openai_upload_file)(
        UploadFileRequest(file=io.BytesIO(b"a\nb\n"), filename="out.jsonl", purpose="batch_output")
    )
    assert stored.purpose == "batch_output" and stored.bytes == 4
    content = async_to_sync(router.openai_retrieve_file_content)(RetrieveFileContentRequest(file_id=stored.id))
    with content.stream as stream:
        stream.seek(2)
        assert stream.read() == b"b\n"
