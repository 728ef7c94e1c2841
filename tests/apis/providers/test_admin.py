"""The provider registrations admin: validation on save, masked secrets, health, change history."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from apis.providers.models import ProviderRegistration
from apis.providers.services import registration_save
from providers.resolver import get_stack

pytestmark = pytest.mark.django_db

SECRET = "sk-admin-secret-value"
ADD_URL = "/admin/providers/providerregistration/add/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "api": "inference",
        "provider_id": "ext",
        "provider_type": "remote::my-ext",
        "module": "my_ext_provider",
        "config": json.dumps({"prefix": ">", "api_key": SECRET}),
        "enabled": "on",
    }
    data.update(overrides)
    return data


def test_add_with_a_bad_config_shows_the_field_error(staff: Client) -> None:
    response = staff.post(ADD_URL, form_data(config='{"prefix": 42}'))
    assert response.status_code == 200
    assert "prefix" in response.content.decode()
    assert "Input should be a valid string" in response.content.decode()
    assert not ProviderRegistration.objects.exists()


def test_add_with_a_missing_module_names_it(staff: Client) -> None:
    response = staff.post(ADD_URL, form_data(module="no_such_provider_module"))
    assert response.status_code == 200
    assert "Module &#x27;no_such_provider_module&#x27; is not installed." in response.content.decode()


def test_add_then_edit_keeps_a_blank_secret_and_never_shows_it(staff: Client) -> None:
    response = staff.post(ADD_URL, form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    row = ProviderRegistration.objects.get(provider_id="ext")
    assert row.source == "admin"
    assert SECRET not in str(row.config)

    change_url = f"/admin/providers/providerregistration/{row.pk}/change/"
    page = staff.get(change_url).content.decode()
    assert SECRET not in page
    assert staff.get("/admin/providers/providerregistration/").status_code == 200
    assert SECRET not in staff.get("/admin/providers/providerregistration/").content.decode()

    response = staff.post(change_url, form_data(config='{"prefix": "!", "api_key": ""}'))
    assert response.status_code == 302
    impl = get_stack().impl("ext")
    assert impl.config.prefix == "!"
    assert impl.config.api_key.get_secret_value() == SECRET
    history = LogEntry.objects.filter(object_id=str(row.pk)).order_by("action_time")
    assert [entry.action_flag for entry in history] == [1, 2]
    assert all(SECRET not in entry.change_message for entry in history)


def test_changelist_shows_health(staff: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={})
    registration_save(api="inference", provider_id="half", provider_type="remote::half", module="incomplete_provider",
                      config={})
    page = staff.get("/admin/providers/providerregistration/").content.decode()
    assert "OK" in page
    assert "does not implement InferenceProvider" in page


def test_check_health_action_reports_each_provider(staff: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={})
    pk = ProviderRegistration.objects.get(provider_id="ext").pk
    response = staff.post(
        "/admin/providers/providerregistration/",
        {"action": "check_health", "_selected_action": [str(pk)]},
        follow=True,
    )
    assert "Provider &#x27;ext&#x27;: OK" in response.content.decode()


def test_delete_takes_effect_on_the_stack(staff: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={})
    assert get_stack().handles["ext"].ok
    pk = ProviderRegistration.objects.get(provider_id="ext").pk
    staff.post(f"/admin/providers/providerregistration/{pk}/delete/", {"post": "yes"})
    assert "ext" not in get_stack().handles
