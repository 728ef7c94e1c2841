"""The models admin: list with filters and search, register, change, unregister, refresh from providers."""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apis.models.models import Model
from apis.models.services import model_register

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/models/model/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


def form(**overrides: str) -> dict[str, str]:
    data = {
        "identifier": "team/chat",
        "provider_id": "up",
        "provider_resource_id": "echo-model",
        "model_type": "llm",
        "metadata": "{}",
    }
    data.update(overrides)
    return data


def test_register_through_the_add_form(staff: Client, provider: str) -> None:
    response = staff.post(f"{CHANGELIST}add/", form())
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Model.objects.get()
    assert (row.identifier, row.provider_id, row.provider_resource_id, row.source) == (
        "team/chat",
        "up",
        "echo-model",
        "api",
    )
    assert row.owner_principal == "ops"


def test_add_form_shows_the_services_errors_on_their_fields(staff: Client, provider: str) -> None:
    response = staff.post(f"{CHANGELIST}add/", form(model_type="embedding"))
    assert response.status_code == 200
    assert "Embedding models need metadata.embedding_dimension" in response.content.decode()
    response = staff.post(f"{CHANGELIST}add/", form(provider_id="nope"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Model.objects.exists()


def test_change_and_unregister(staff: Client, provider: str) -> None:
    row = model_register(identifier="m", provider_resource_id="echo-model")
    page = staff.get(f"{CHANGELIST}{row.pk}/change/")
    assert page.status_code == 200
    response = staff.post(
        f"{CHANGELIST}{row.pk}/change/",
        form(identifier="ignored", model_type="embedding", metadata=json.dumps({"embedding_dimension": 8})),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.identifier, row.model_type, row.metadata) == ("m", "embedding", {"embedding_dimension": 8})
    response = staff.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Model.objects.exists()


def test_changelist_filters_and_search(staff: Client, provider: str) -> None:
    model_register(identifier="alpha", provider_resource_id="echo-model")
    model_register(identifier="beta", model_type="embedding", metadata={"embedding_dimension": 8})
    assert staff.get(CHANGELIST).status_code == 200
    by_type = staff.get(CHANGELIST, {"model_type__exact": "embedding"}).context["cl"].result_list
    assert [row.identifier for row in by_type] == ["beta"]
    by_provider = staff.get(CHANGELIST, {"provider_id__exact": "up"}).context["cl"].result_list
    assert [row.identifier for row in by_provider] == ["alpha", "beta"]
    found = staff.get(CHANGELIST, {"q": "alph"}).context["cl"].result_list
    assert [row.identifier for row in found] == ["alpha"]


def test_refresh_button_registers_the_providers_models(staff: Client, provider: str) -> None:
    page = staff.get(CHANGELIST).content.decode()
    assert "Refresh models from providers" in page
    response = staff.post(f"{CHANGELIST}refresh/", follow=True)
    assert "Refreshed up: 2 added, 0 updated, 0 removed." in response.content.decode()
    assert sorted(Model.objects.values_list("identifier", flat=True)) == ["up/echo-model", "up/embed-model"]
    assert staff.get(f"{CHANGELIST}refresh/").status_code == 405


def test_refresh_action_on_selected_models(staff: Client, provider: str) -> None:
    row = model_register(identifier="mine", provider_resource_id="echo-model")
    response = staff.post(CHANGELIST, {"action": "refresh_from_providers", "_selected_action": [row.pk]}, follow=True)
    assert "Refreshed up: 2 added, 0 updated, 0 removed." in response.content.decode()
    assert Model.objects.count() == 3


def test_bulk_unregister(staff: Client, provider: str) -> None:
    ids = [model_register(identifier=name).pk for name in ("a", "b")]
    response = staff.post(CHANGELIST, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not Model.objects.exists()
