"""The files admin: upload through the files service, preview, download, filters; files never change."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apis.files.models import StoredFile

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/files/storedfile/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


def test_upload_preview_and_download(staff: Client) -> None:
    content = b'{"custom_id": "a"}\n{"custom_id": "b"}\n'
    response = staff.post(f"{CHANGELIST}add/", {
        "file": SimpleUploadedFile("requests.jsonl", content), "purpose": "batch", "expires_after_seconds": "3600"
    })
    row = StoredFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}{row.id}/change/"
    assert (row.filename, row.purpose, row.bytes) == ("requests.jsonl", "batch", len(content))
    assert row.owner_principal == "ops"
    assert row.expires_at is not None and row.expires_at - row.created_at == timedelta(hours=1)
    assert LogEntry.objects.get().action_flag == ADDITION

    page = staff.get(f"{CHANGELIST}{row.id}/change/").content.decode()
    assert "{&quot;custom_id&quot;: &quot;b&quot;}" in page  # the first lines
    assert "Create a batch from this file" in page and 'name="_save"' not in page
    download = staff.get(f"{CHANGELIST}{row.id}/content/")
    assert download["Content-Disposition"] == 'attachment; filename="requests.jsonl"'
    assert b"".join(download.streaming_content) == content
    assert staff.get(f"{CHANGELIST}file-0/content/").status_code == 302  # unknown: back with a message


def test_upload_errors_show_on_the_form(staff: Client) -> None:
    response = staff.post(f"{CHANGELIST}add/", {
        "file": SimpleUploadedFile("x.jsonl", b"{}\n"), "purpose": "batch_output", "expires_after_seconds": "10"
    })
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"purpose", "expires_after_seconds"}
    assert not StoredFile.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_on_the_form(staff: Client, settings) -> None:
    settings.STACK_FILES_MAX_BYTES = 1000
    for size in (1500, 200_000):  # over the limit, and past it even by its announced length
        response = staff.post(f"{CHANGELIST}add/", {
            "file": SimpleUploadedFile("big.jsonl", b"x" * size), "purpose": "batch",
        })
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors == {"file": ["File too large: the limit is 1000 bytes."]}
    assert not StoredFile.objects.exists()
    uploaded = staff.post(f"{CHANGELIST}add/", {"file": SimpleUploadedFile("ok.jsonl", b"{}\n"), "purpose": "batch"})
    assert uploaded.status_code == 302


def test_filters_and_search(staff: Client) -> None:
    for name, purpose in (("a.jsonl", "batch"), ("notes.txt", "user_data")):
        staff.post(f"{CHANGELIST}add/", {"file": SimpleUploadedFile(name, b"x\n"), "purpose": purpose})
    StoredFile.objects.filter(filename="notes.txt").update(expires_at=timezone.now() - timedelta(minutes=1))

    def names(params: dict[str, str]) -> list[str]:
        return sorted(row.filename for row in staff.get(CHANGELIST, params).context["cl"].result_list)

    assert names({"purpose__exact": "batch"}) == ["a.jsonl"]
    assert names({"expiry": "expired"}) == ["notes.txt"]
    assert names({"expiry": "live"}) == ["a.jsonl"]
    assert names({"q": "notes"}) == ["notes.txt"]
