"""The provider registrations admin: validation on save, masked secrets, health, change history."""

import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from apis.models.models import Model
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


# --- the typed config form -------------------------------------------------------------------------------


def test_add_starts_with_the_type_then_shows_its_settings(staff: Client) -> None:
    page = staff.get(ADD_URL).content.decode()
    assert "Show settings" in page
    assert 'list="provider-types"' in page and 'value="remote::vllm" data-api="inference"' in page
    assert "config__" not in page

    response = staff.post(ADD_URL, {"api": "inference", "provider_type": "remote::vllm", "provider_id": "gpu",
                                    "_choose_type": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(ADD_URL + "?")
    page = staff.get(response["Location"]).content.decode()
    assert 'name="provider_id" value="gpu"' in page
    assert 'name="config__base_url" value="http://localhost:8000/v1"' in page  # the type's default
    assert "The vLLM server&#x27;s OpenAI API root." in page  # help from the field's description
    assert 'type="password" name="config__api_key"' in page
    assert 'name="config__max_retries" value="2"' in page and 'max="10"' in page
    assert "Sent as &#x27;Authorization: Bearer &lt;api_key&gt;&#x27;." in page  # descriptions shown as written
    assert re.search(r"<input type=\"checkbox\" name=\"config__refresh_models\"[^>]* checked", page)


def typed(**overrides: str) -> dict[str, str]:
    data = {"api": "inference", "provider_type": "remote::openai-compat", "module": "", "provider_id": "svc",
            "enabled": "on", "config__base_url": "http://127.0.0.1:9/v1", "config__api_key": "",
            "config__timeout": "60.0", "config__connect_timeout": "5.0", "config__max_retries": "2",
            "config__max_concurrent_requests": "", "config__extra_headers": "{}", "config__refresh_models": "on",
            "config": ""}
    data.update(overrides)
    return data


def test_typed_settings_errors_show_on_their_fields(staff: Client) -> None:
    url = ADD_URL + "?api=inference&provider_type=remote::openai-compat"
    response = staff.post(url, typed(config__base_url="localhost:8000"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["config__base_url"] == ["Value error, must start with http:// or https://"]
    response = staff.post(url, typed(config__base_url="", config__max_retries="11"))
    errors = response.context["adminform"].form.errors
    assert errors["config__base_url"] == ["This field is required."]
    assert "config__max_retries" in errors
    response = staff.post(url, typed(config__extra_headers='{"X-Team": 5}'))
    assert response.context["adminform"].form.errors["config__extra_headers"] == [
        "X-Team: Input should be a valid string"
    ]
    assert not ProviderRegistration.objects.exists()


def test_typed_settings_are_saved_without_defaults_and_secrets_are_kept(staff: Client) -> None:
    url = ADD_URL + "?api=inference&provider_type=remote::openai-compat"
    response = staff.post(url, typed(config__api_key=SECRET, config__timeout="3", config__refresh_models=""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = ProviderRegistration.objects.get(provider_id="svc")
    assert set(row.config) == {"base_url", "api_key", "timeout", "refresh_models"}
    assert row.config["timeout"] == 3 and row.config["refresh_models"] is False
    assert row.config["api_key"].startswith("enc:v1:")

    change_url = f"/admin/providers/providerregistration/{row.pk}/change/"
    page = staff.get(change_url).content.decode()
    assert SECRET not in page and "stored: leave blank to keep it" in page
    assert 'name="config__timeout" value="3.0"' in page
    assert "&quot;api_key&quot;: &quot;********&quot;" in page  # the stored config, masked
    response = staff.post(change_url, typed(provider_id="renamed", config__timeout="4", config__refresh_models=""))
    assert response.status_code == 302
    impl = get_stack().impl("svc")
    assert impl.config.timeout == 4 and impl.config.api_key.get_secret_value() == SECRET
    assert not ProviderRegistration.objects.filter(provider_id="renamed").exists()  # the id is not editable
    messages_ = list(LogEntry.objects.filter(object_id=str(row.pk)).values_list("change_message", flat=True))
    assert len(messages_) == 2 and "config__timeout" not in "".join(messages_)


def test_nested_config_fields_are_edited_as_json(staff: Client) -> None:
    page = staff.get(ADD_URL + "?api=inference&provider_type=inline::llama-cpp").content.decode()
    assert 'name="config__models"' in page and "smollm2-135m-instruct" in page
    assert 'name="config__max_concurrent_requests" value="1"' in page


def test_changing_the_type_of_a_registration_shows_the_new_settings(staff: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"prefix": ">"})
    row = ProviderRegistration.objects.get(provider_id="ext")
    change_url = f"/admin/providers/providerregistration/{row.pk}/change/"
    assert 'name="config__prefix" value="&gt;"' in staff.get(change_url).content.decode()
    response = staff.post(change_url, {"api": "inference", "provider_type": "remote::ollama", "module": "",
                                       "_choose_type": "1"})
    page = staff.get(response["Location"]).content.decode()
    assert 'name="config__base_url" value="http://localhost:11434/v1"' in page
    assert "config__prefix" not in page


# --- status, test connection, import models, actions -------------------------------------------------


def test_change_page_shows_health_models_and_the_tools(staff: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={})
    pk = ProviderRegistration.objects.get(provider_id="ext").pk
    page = staff.get(f"/admin/providers/providerregistration/{pk}/change/").content.decode()
    assert 'console-health-ok' in page or 'console-ok' in page
    assert "0 models" in page
    assert "Test connection" in page and "Import models" in page


def test_test_connection_lists_the_providers_models_and_import_registers_them(staff: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={})
    row = ProviderRegistration.objects.get(provider_id="ext")
    response = staff.get(f"/admin/providers/providerregistration/{row.pk}/test-connection/")
    report = response.context["report"]
    assert report.health.status == "OK"
    assert [(m.provider_model_id, m.registered_as) for m in report.models] == [("reverser", [])]
    assert "not registered" in response.content.decode()

    response = staff.post(f"/admin/providers/providerregistration/{row.pk}/import-models/", follow=True)
    assert "Imported models of ext: 1 added, 0 updated, 0 removed." in response.content.decode()
    assert Model.objects.get().identifier == "ext/reverser"
    report = staff.get(f"/admin/providers/providerregistration/{row.pk}/test-connection/").context["report"]
    assert report.models[0].registered_as == ["ext/reverser"]
    entry = LogEntry.objects.filter(object_id=str(row.pk)).latest("action_time")
    assert (entry.user.username, entry.get_change_message()) == (
        "ops", "Imported models: ext: 1 added, 0 updated, 0 removed."
    )
    assert staff.get(f"/admin/providers/providerregistration/{row.pk}/import-models/").status_code == 405


def test_test_connection_of_a_provider_that_does_not_start(staff: Client) -> None:
    registration_save(api="inference", provider_id="half", provider_type="remote::half", module="incomplete_provider",
                      config={})
    row = ProviderRegistration.objects.get(provider_id="half")
    response = staff.get(f"/admin/providers/providerregistration/{row.pk}/test-connection/")
    assert response.context["report"].health.status == "Error"
    assert "The provider is not running" in response.content.decode()


def test_disable_and_enable_actions_go_through_the_service_and_are_logged(staff: Client) -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"api_key": SECRET})
    row = ProviderRegistration.objects.get(provider_id="ext")
    staff.post("/admin/providers/providerregistration/", {"action": "disable", "_selected_action": [row.pk]})
    assert "ext" not in get_stack().handles
    staff.post("/admin/providers/providerregistration/", {"action": "enable", "_selected_action": [row.pk]})
    assert get_stack().impl("ext").config.api_key.get_secret_value() == SECRET
    history = LogEntry.objects.filter(object_id=str(row.pk)).order_by("action_time")
    assert [entry.get_change_message() for entry in history] == ["Disabled.", "Enabled."]
