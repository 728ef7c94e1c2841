"""The shields admin: list with filters and search, register through the add form, view, unregister."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apis.shields.models import RegisteredShield
from apis.shields.services import shield_register

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/shields/registeredshield/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


def test_register_through_the_add_form_unowned(staff: Client, provider: str) -> None:
    response = staff.post(
        f"{CHANGELIST}add/",
        {
            "identifier": "ops/rules",
            "provider_id": "regex",
            "provider_resource_id": "",
            "params": '{"categories": ["pii"]}',
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = RegisteredShield.objects.get()
    assert (row.identifier, row.provider_id, row.provider_resource_id, row.params, row.owner_principal) == (
        "ops/rules", "regex", "ops/rules", {"categories": ["pii"]}, ""
    )


def test_the_providers_refusal_shows_on_the_form(staff: Client, provider: str) -> None:
    response = staff.post(
        f"{CHANGELIST}add/",
        {"identifier": "s", "provider_id": "regex", "provider_resource_id": "", "params": '{"categories": ["spam"]}'},
    )
    assert response.status_code == 200
    assert "Unknown categories spam; this provider has: pii, violence." in response.content.decode()
    shield_register(identifier="taken", params={"categories": ["pii"]})
    conflict = staff.post(
        f"{CHANGELIST}add/", {"identifier": "taken", "provider_id": "regex", "provider_resource_id": "", "params": "{}"}
    )
    assert "Shield &#x27;taken&#x27; is already registered" in conflict.content.decode()
    assert list(RegisteredShield.objects.values_list("identifier", flat=True)) == ["taken"]


def test_list_filters_search_view_and_unregister(staff: Client, provider: str) -> None:
    shield_register(identifier="alpha", owner={"owner_principal": "alice", "owner_attributes": {}})
    row = shield_register(identifier="beta", provider_resource_id="beta-rules")
    listing = staff.get(CHANGELIST, {"q": "beta-rules"}).content.decode()
    assert "beta" in listing and "alpha" not in listing
    filtered = staff.get(CHANGELIST, {"provider_id": "regex", "source": "api"}).content.decode()
    assert "alpha" in filtered and "beta" in filtered
    view = staff.get(f"{CHANGELIST}{row.pk}/change/")
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()  # viewed, never edited in place
    deleted = staff.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert list(RegisteredShield.objects.values_list("identifier", flat=True)) == ["alpha"]
