"""The Batches API through the real router: create (validation, idempotency), list, retrieve, cancel.

Nothing here commits, so no task is sent: these tests see the batch as the API stores it.
"""

import pytest
from django.test import Client

from apis.batches.models import Batch
from tests.apis.batches.support import create_batch

pytestmark = pytest.mark.django_db

CHAT = {"input_file_id": "file-abc123", "endpoint": "/v1/chat/completions", "completion_window": "24h"}


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def test_create_returns_the_openai_batch_object(client: Client) -> None:
    response = create_batch(client, **CHAT, metadata={"team": "x"})
    assert response.status_code == 200, response.content
    batch = response.json()
    assert set(batch) == {
        "id", "object", "endpoint", "model", "errors", "input_file_id", "completion_window", "status",
        "output_file_id", "error_file_id", "created_at", "in_progress_at", "expires_at", "finalizing_at",
        "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts", "metadata",
        "usage",
    }  # fmt: skip
    assert batch["id"].startswith("batch_") and batch["object"] == "batch"
    assert batch["status"] == "validating"
    assert batch["expires_at"] == batch["created_at"] + 24 * 3600
    assert batch["request_counts"] == {"total": 0, "completed": 0, "failed": 0}
    assert batch["metadata"] == {"team": "x"}
    assert batch["errors"] is None and batch["output_file_id"] is None
    assert batch["usage"]["total_tokens"] == 0


def test_invalid_endpoint_is_400_with_the_supported_values(client: Client) -> None:
    response = create_batch(client, **{**CHAT, "endpoint": "/v1/images/generations"})
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "Invalid endpoint: /v1/images/generations. Supported values: /v1/chat/completions, "
        "/v1/completions, /v1/embeddings. Code: invalid_value. Param: endpoint",
        "type": "invalid_request_error",
        "code": "invalid_value",
        "param": "endpoint",
    }


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"completion_window": "1h"}, "completion_window"),
        ({"metadata": ["a"]}, "metadata"),
        ({"metadata": {"a": 1}}, "metadata.a"),
        ({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata"),
        ({"metadata": {"k" * 65: "v"}}, "metadata"),
        ({"metadata": {"k": "v" * 513}}, "metadata"),
        ({"input_file_id": None}, "input_file_id"),
        ({"idempotency_key": ""}, "idempotency_key"),
    ],
)
def test_invalid_parameters_are_400_naming_the_field(client: Client, change: dict, param: str) -> None:
    body = {key: value for key, value in {**CHAT, **change}.items() if value is not None}
    response = create_batch(client, **body)
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["param"] == param
    assert param.split(".")[0] in error["message"]


def test_metadata_limits_are_inclusive(client: Client) -> None:
    metadata = {f"{i:0>64}": "v" * 512 for i in range(16)}
    assert create_batch(client, **CHAT, metadata=metadata).status_code == 200


def test_idempotency_key_same_parameters_return_the_same_batch(client: Client) -> None:
    first = create_batch(client, **CHAT, metadata={"a": "1", "b": "2"}, idempotency_key="key-1").json()
    again = create_batch(client, **CHAT, metadata={"b": "2", "a": "1"}, idempotency_key="key-1").json()
    assert again == first
    assert Batch.objects.count() == 1
    other_key = create_batch(client, **CHAT, metadata={"a": "1", "b": "2"}, idempotency_key="key-2").json()
    assert other_key["id"] != first["id"]
    no_key = [create_batch(client, **CHAT).json()["id"] for _ in range(2)]
    assert no_key[0] != no_key[1]


@pytest.mark.parametrize(
    "change", [{"metadata": {"a": "2"}}, {"endpoint": "/v1/embeddings"}, {"input_file_id": "file-other"}, {}]
)
def test_idempotency_key_with_other_parameters_is_409(client: Client, change: dict) -> None:
    create_batch(client, **CHAT, metadata={"a": "1"}, idempotency_key="key-9")
    body = {**CHAT, "metadata": {"a": "1"}, **change}
    if not change:
        body.pop("metadata")
    response = create_batch(client, **body, idempotency_key="key-9")
    assert response.status_code == 409
    assert error_of(response)["message"] == (
        "Idempotency key 'key-9' was previously used with different parameters. Either use a new idempotency key "
        "or ensure all parameters match the original request."
    )


def test_list_newest_first_with_cursor(client: Client) -> None:
    ids = [create_batch(client, **CHAT).json()["id"] for _ in range(5)]
    page = client.get("/v1/batches").json()
    assert page["object"] == "list"
    assert [b["id"] for b in page["data"]] == ids[::-1]
    assert page["has_more"] is False
    first = client.get("/v1/batches", {"limit": 2}).json()
    assert [b["id"] for b in first["data"]] == [ids[4], ids[3]]
    assert first["has_more"] is True and first["first_id"] == ids[4] and first["last_id"] == ids[3]
    rest = client.get("/v1/batches", {"limit": 3, "after": first["last_id"]}).json()
    assert [b["id"] for b in rest["data"]] == [ids[2], ids[1], ids[0]]
    assert rest["has_more"] is False
    for limit in (0, 101):
        response = client.get("/v1/batches", {"limit": limit})
        assert response.status_code == 400
        assert error_of(response)["param"] == "limit"
    unknown = client.get("/v1/batches", {"after": "batch_nope"})
    assert unknown.status_code == 404 and error_of(unknown)["param"] == "after"


def test_retrieve_unknown_is_404(client: Client) -> None:
    for response in (client.get("/v1/batches/batch_nope"), client.post("/v1/batches/batch_nope/cancel")):
        assert response.status_code == 404
        assert error_of(response)["message"] == "Batch 'batch_nope' not found."


def test_cancel_moves_to_cancelling_and_repeats_are_harmless(client: Client) -> None:
    batch_id = create_batch(client, **CHAT).json()["id"]
    cancelled = client.post(f"/v1/batches/{batch_id}/cancel").json()
    assert cancelled["status"] == "cancelling"
    assert cancelled["cancelling_at"] >= cancelled["created_at"]
    again = client.post(f"/v1/batches/{batch_id}/cancel").json()
    assert again == cancelled
    Batch.objects.filter(id=batch_id).update(status=Batch.Status.CANCELLED)
    assert client.post(f"/v1/batches/{batch_id}/cancel").json()["status"] == "cancelled"


@pytest.mark.parametrize("status", ["completed", "failed", "expired"])
def test_cancel_of_a_finished_batch_is_409(client: Client, status: str) -> None:
    batch_id = create_batch(client, **CHAT).json()["id"]
    Batch.objects.filter(id=batch_id).update(status=status)
    response = client.post(f"/v1/batches/{batch_id}/cancel")
    assert response.status_code == 409
    assert error_of(response)["message"] == f"Cannot cancel batch '{batch_id}' with status '{status}'"


def test_legacy_prefix_serves_the_same_handlers(client: Client) -> None:
    batch_id = create_batch(client, prefix="/v1/openai/v1", **CHAT).json()["id"]
    assert client.get(f"/v1/openai/v1/batches/{batch_id}").json()["id"] == batch_id
    assert client.get("/v1/openai/v1/batches").json()["data"][0]["id"] == batch_id
    assert client.post(f"/v1/openai/v1/batches/{batch_id}/cancel").json()["status"] == "cancelling"


def test_the_openapi_document_lists_every_route(client: Client) -> None:
    paths = client.get("/v1/openapi.json").json()["paths"]
    for path in ("/v1/batches", "/v1/batches/{batch_id}", "/v1/batches/{batch_id}/cancel", "/v1/files"):
        assert path in paths
    assert "application/octet-stream" in str(paths["/v1/files/{file_id}/content"]["get"]["responses"]["200"])
