"""The datasets admin: register a dataset (its source checked on the form), preview its first rows, unregister it."""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apis.datasets.models import RegisteredDataset

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/datasets/registereddataset/"


@pytest.fixture
def staff(client: Client, eval_stack) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


def add(staff: Client, source: object, identifier: str = "qa") -> object:
    return staff.post(
        f"{CHANGELIST}add/",
        {
            "identifier": identifier,
            "provider_id": "localfs-datasetio",
            "provider_resource_id": "",
            "purpose": "eval/question-answer",
            "data_source": json.dumps(source),
            "metadata": "{}",
        },
    )


def test_a_dataset_registered_in_the_admin_shows_its_first_rows(staff: Client, settings) -> None:
    rows = [{"input_query": f"<q{i}>", "expected_answer": str(i)} for i in range(25)]
    response = add(staff, {"type": "rows", "rows": rows})
    assert response.status_code == 302, response.content.decode()[:3000]
    row = RegisteredDataset.objects.get()
    assert (row.identifier, row.owner_principal, row.source) == ("qa", "", "api")

    listing = staff.get(CHANGELIST).content.decode()
    assert "25 inline rows" in listing
    page = staff.get(f"{CHANGELIST}{row.pk}/change/").content.decode()
    assert "<th>input_query</th><th>expected_answer</th>" in page
    assert "<td>&lt;q19&gt;</td><td>19</td>" in page
    assert "<td>&lt;q20&gt;</td>" not in page
    assert "First 20 rows shown; more follow." in page


def test_a_source_that_cannot_be_read_shows_on_the_form(staff: Client) -> None:
    response = add(staff, {"type": "uri", "uri": "file-0abc"})
    assert response.status_code == 200
    assert "The dataset source names file &#x27;file-0abc&#x27;, which was not found." in response.content.decode()
    bad = add(staff, {"type": "table"})
    assert "Invalid source" in bad.content.decode()
    assert not RegisteredDataset.objects.exists()


def test_the_preview_reports_a_broken_source(staff: Client, tmp_path) -> None:
    path = tmp_path / "allowed" / "rows.jsonl"
    path.write_text('{"a": 1}\n')
    assert add(staff, {"type": "uri", "uri": f"file://{path}"}).status_code == 302
    path.write_text("not json\n")
    page = staff.get(f"{CHANGELIST}{RegisteredDataset.objects.get().pk}/change/").content.decode()
    assert "line 1 is not valid JSON" in page


def test_unregistering_in_the_admin(staff: Client) -> None:
    add(staff, {"type": "rows", "rows": [{"a": 1}]})
    pk = RegisteredDataset.objects.get().pk
    assert staff.post(f"{CHANGELIST}{pk}/delete/", {"post": "yes"}).status_code == 302
    assert not RegisteredDataset.objects.exists()
