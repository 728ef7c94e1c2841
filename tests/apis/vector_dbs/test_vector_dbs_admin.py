"""The vector DBs admin: register through the add form (dimension from the model), filters and search, unregister."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apis.vector_dbs.models import RegisteredVectorDB
from apis.vector_dbs.services import vector_db_register
from apis.vector_io.models import VectorChunk

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/vector_dbs/registeredvectordb/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


def form(**overrides: str) -> dict[str, str]:
    data = {"identifier": "kb", "provider_id": "orm", "provider_resource_id": "", "embedding_model": "embed",
            "embedding_dimension": "", "vector_db_name": "Knowledge"}
    return {**data, **overrides}


def test_register_through_the_add_form(staff: Client, provider: str) -> None:
    assert staff.get(f"{CHANGELIST}add/").status_code == 200
    response = staff.post(f"{CHANGELIST}add/", form())
    assert response.status_code == 302, response.content.decode()[:3000]
    row = RegisteredVectorDB.objects.get()
    assert (row.embedding_model, row.embedding_dimension, row.vector_db_name, row.owner_principal) == (
        "embed", 8, "Knowledge", ""
    )


def test_errors_show_on_their_fields(staff: Client, provider: str) -> None:
    response = staff.post(f"{CHANGELIST}add/", form(embedding_dimension="9"))
    assert response.status_code == 200
    assert "embedding_dimension 9 disagrees with model" in response.content.decode()
    assert not RegisteredVectorDB.objects.exists()


def test_list_filters_search_and_unregister_deletes_chunks(staff: Client, client: Client, provider: str) -> None:
    row = vector_db_register(identifier="kb", embedding_model="embed", vector_db_name="Manuals")
    vector_db_register(identifier="other", embedding_model="embed")
    client.post("/v1/vector-io/insert", {"vector_db_id": "kb", "chunks": [{"content": "x"}]},
                content_type="application/json")
    assert VectorChunk.objects.count() == 1
    listing = staff.get(CHANGELIST, {"q": "Manuals"}).content.decode()
    assert "kb" in listing and "other" not in listing
    assert "embed" in staff.get(CHANGELIST, {"embedding_model": "embed", "provider_id": "orm"}).content.decode()
    assert staff.get("/admin/vector_io/vectorchunk/", {"q": "x"}).status_code == 200
    assert staff.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(RegisteredVectorDB.objects.values_list("identifier", flat=True)) == ["other"]
    assert not VectorChunk.objects.exists()
