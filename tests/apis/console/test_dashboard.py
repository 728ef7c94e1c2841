"""The console's front page: provider health, model counts, batches in flight, the last failures, quota hits."""

import re

import pytest
from django.contrib.admin.utils import quote
from django.test import Client

from apis.access.services import api_key_create, quota_record_hit
from apis.batches.services import ChunkPlan, batch_create, batch_fail_validation, batch_start
from apis.files.services import file_upload
from apis.providers.services import registration_save
from providers.resolver import get_stack

pytestmark = pytest.mark.django_db


def uploaded_input() -> str:
    from io import BytesIO

    return file_upload(fileobj=BytesIO(b'{"x": 1}\n'), filename="in.jsonl", purpose="batch").id


def running_batch(done: int, failed: int, total: int = 10) -> str:
    """A batch in progress with `done` results recorded, as the engine leaves it between two chunks."""
    from apis.batches.models import Batch

    batch = batch_create(input_file_id=uploaded_input(), endpoint="/v1/chat/completions", completion_window="24h")
    plan = [ChunkPlan(index=0, first_line=1, last_line=total, byte_start=0, byte_end=10, line_count=total)]
    assert batch_start(batch_id=batch.id, chunks=plan, model="echo", provider_id="up")
    Batch.objects.filter(id=batch.id).update(request_completed=done - failed, request_failed=failed)
    return batch.id


def test_dashboard_shows_health_models_batches_failures_and_quota_hits(staff: Client) -> None:
    get_stack()  # applies the distribution: up, localfs, reference and six models of 'up'
    registration_save(api="inference", provider_id="half", provider_type="remote::half", module="incomplete_provider",
                      config={})
    running = running_batch(done=4, failed=1)
    failed = batch_create(input_file_id=uploaded_input(), endpoint="/v1/chat/completions", completion_window="24h")
    batch_fail_validation(
        batch_id=failed.id, errors=[{"code": "invalid_json", "message": "Line is not JSON.", "param": None, "line": 3}]
    )
    key = api_key_create(principal="greedy-client").api_key
    for _ in range(3):
        quota_record_hit(api_key_id=key.pk)

    response = staff.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    dashboard = response.context["dashboard"]
    health = {status.registration.provider_id: status.health.status for status in dashboard.providers}
    assert health == {"half": "Error", "up": "OK", "localfs": "OK", "reference": "OK"}
    assert {s.registration.provider_id: s.model_count for s in dashboard.providers}["up"] == 6
    assert "does not implement InferenceProvider" in page  # why 'half' is down, in the failures too
    assert [row.batch.id for row in dashboard.batches_in_flight] == [running]
    assert dashboard.batches_in_flight[0].progress.percent == 40
    assert f'data-progress-url="/admin/batches/batch/{quote(running)}/progress/"' in page
    assert re.search(r'<strong data-live="percent">40%</strong>', page)
    assert [row.batch.id for row in dashboard.failed_batches] == [failed.id]
    assert "line 3: Line is not JSON." in page
    assert dashboard.failed_batches_24h == 1
    assert "greedy-client" in page and dashboard.quota_hits_total == 3
    assert "3<small>/4</small>" in page  # providers healthy / enabled
    assert "Stack server console" in page


def test_dashboard_of_an_empty_stack_says_what_to_do(staff: Client, settings) -> None:
    from providers import resolver
    from tests.conftest import CONFIGS

    settings.STACK_CONFIG = CONFIGS / "empty.yaml"
    resolver.reset()
    page = staff.get("/admin/").content.decode()
    assert "No provider is registered." in page
    assert "No batch is running." in page
    assert "Nothing has failed." in page
    assert "No request has been refused by a quota." in page


def test_recent_changes_show_who_changed_what(staff: Client) -> None:
    staff.post(
        "/admin/providers/providerregistration/add/",
        {"api": "inference", "provider_id": "ext", "provider_type": "remote::my-ext", "module": "my_ext_provider",
         "config": "{}", "enabled": "on"},
    )
    dashboard = staff.get("/admin/").context["dashboard"]
    entry = dashboard.recent_changes[0]
    assert (entry.user.username, entry.object_repr, entry.is_addition()) == ("ops", "ext (remote::my-ext)", True)
