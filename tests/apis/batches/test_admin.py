"""The batches admin: create a batch from an uploaded file, follow it (page and JSON), download its output,
cancel it; the create form's errors; history of every change."""

import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import quote
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apis.batches.models import Batch
from tests.apis.batches.support import jsonl, request_line

CHANGELIST = "/admin/batches/batch/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


def upload(staff: Client, lines: list) -> str:
    response = staff.post(
        "/admin/files/storedfile/add/",
        {"file": SimpleUploadedFile("input.jsonl", jsonl(lines)), "purpose": "batch", "expires_after_seconds": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"].split("/")[-3]


def change_url(batch_id: str) -> str:
    return f"{CHANGELIST}{quote(batch_id)}/change/"


@pytest.mark.django_db(transaction=True)
def test_a_batch_created_in_the_admin_runs_and_its_output_downloads(staff: Client, engine) -> None:
    lines = [request_line(f"r{i}", f"hello {i}") for i in range(4)] + [request_line("x", model="fail-400")]
    file_id = upload(staff, lines)
    file_page = staff.get(f"/admin/files/storedfile/{file_id}/change/").content.decode()
    assert f'href="/admin/batches/batch/add/?input_file_id={file_id}"' in file_page

    add_page = staff.get(f"{CHANGELIST}add/?input_file_id={file_id}").content.decode()
    assert f'<option value="{file_id}" selected>input.jsonl · {file_id}' in add_page
    response = staff.post(f"{CHANGELIST}add/", {
        "input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h",
        "metadata": '{"run": "admin"}', "idempotency_key": "",
    })
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(batch.id)
    # Eager mode: the whole batch ran when the admin's transaction committed.
    assert (batch.status, batch.request_completed, batch.request_failed) == ("completed", 4, 1)
    assert (batch.owner_principal, batch.metadata) == ("ops", {"run": "admin"})

    page = staff.get(change_url(batch.id)).content.decode()
    assert 'data-live="percent">100%<' in page
    for step in ("created", "in progress", "finalizing", "completed"):
        assert f"<strong>{step}</strong>" in page
    assert "Cancel batch" not in page and 'name="_save"' not in page

    progress = staff.get(f"{CHANGELIST}{quote(batch.id)}/progress/").json()
    assert (progress["status"], progress["percent"], progress["terminal"]) == ("completed", 100, True)
    assert (progress["done"], progress["total"], progress["failed"]) == (5, 5, 1)
    assert [step["label"] for step in progress["timeline"]] == ["created", "in progress", "finalizing", "completed"]
    assert progress["files"]["input"]["id"] == file_id
    output = staff.get(progress["files"]["output"]["download"])
    assert output["Content-Disposition"].startswith("attachment")
    lines = [json.loads(line) for line in b"".join(output.streaming_content).splitlines()]
    assert sorted(line["custom_id"] for line in lines) == ["r0", "r1", "r2", "r3"]
    errors = b"".join(staff.get(progress["files"]["error"]["download"]).streaming_content)
    assert json.loads(errors)["custom_id"] == "x"
    assert set(LogEntry.objects.values_list("object_repr", "action_flag")) >= {
        (f"{file_id} (input.jsonl)", ADDITION), (f"{batch.id} (validating)", ADDITION)
    }


@pytest.mark.django_db
def test_the_create_form_checks_the_request_as_the_api_does(staff: Client) -> None:
    file_id = upload(staff, [request_line("a")])
    data = {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h",
            "idempotency_key": ""}
    too_many = json.dumps({f"k{i}": "v" for i in range(17)})
    response = staff.post(f"{CHANGELIST}add/", {**data, "metadata": too_many})
    assert response.context["adminform"].form.errors["metadata"] == ["at most 16 pairs are allowed."]
    response = staff.post(f"{CHANGELIST}add/", {**data, "metadata": '{"k": 1}'})
    assert "metadata" in response.context["adminform"].form.errors
    response = staff.post(f"{CHANGELIST}add/", {**data, "input_file_id": "file-nope", "metadata": ""})
    assert "input_file_id" in response.context["adminform"].form.errors
    assert not Batch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_cancel_from_the_page_and_the_action(staff: Client, held_tasks) -> None:
    file_id = upload(staff, [request_line("a"), request_line("b")])
    form = {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h",
            "metadata": "", "idempotency_key": ""}
    staff.post(f"{CHANGELIST}add/", form)
    staff.post(f"{CHANGELIST}add/", {**form, "idempotency_key": "second"})
    first, second = Batch.objects.order_by("created_at")
    assert first.status == "validating"  # nobody consumes the tasks here

    page = staff.get(change_url(first.id)).content.decode()
    assert "Cancel batch" in page
    progress = staff.get(f"{CHANGELIST}{quote(first.id)}/progress/").json()
    assert (progress["percent"], progress["terminal"], progress["cancellable"]) == (0, False, True)
    response = staff.post(f"{CHANGELIST}{quote(first.id)}/cancel/", follow=True)
    assert f"Batch {first.id} is cancelling." in response.content.decode()
    first.refresh_from_db()
    assert first.status == "cancelling"
    assert staff.get(f"{CHANGELIST}{quote(first.id)}/progress/").json()["cancellable"] is False
    assert staff.get(f"{CHANGELIST}{quote(first.id)}/cancel/").status_code == 405

    staff.post(CHANGELIST, {"action": "cancel_batches", "_selected_action": [second.id]})
    assert Batch.objects.get(id=second.id).status == "cancelling"
    history = LogEntry.objects.filter(action_flag=CHANGE).values_list("object_id", "change_message")
    assert sorted(history) == sorted([(first.id, "Cancelled."), (second.id, "Cancelled.")])


@pytest.mark.django_db
def test_changelist_filters_and_search(staff: Client) -> None:
    from apis.batches.services import batch_create, batch_fail_validation

    file_id = upload(staff, [request_line("a")])
    running = batch_create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h")
    failed = batch_create(input_file_id=file_id, endpoint="/v1/embeddings", completion_window="24h")
    batch_fail_validation(batch_id=failed.id, errors=[{"code": "x", "message": "bad", "param": None, "line": 1}])
    listed = staff.get(CHANGELIST, {"activity": "running"}).context["cl"].result_list
    assert [row.id for row in listed] == [running.id]
    listed = staff.get(CHANGELIST, {"status__in": "failed,expired"}).context["cl"].result_list
    assert [row.id for row in listed] == [failed.id]
    assert [row.id for row in staff.get(CHANGELIST, {"q": failed.id[-8:]}).context["cl"].result_list] == [failed.id]
    assert "bad" in staff.get(change_url(failed.id)).content.decode()
    assert staff.get(f"{CHANGELIST}nope/progress/").status_code == 404
