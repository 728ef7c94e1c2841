"""Who sees the console: staff only; the "viewer" group browses everything and changes nothing."""

import pytest
from django.apps import apps
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group, User
from django.test import Client

from apis.batches.models import Batch
from apis.batches.services import batch_create
from apis.console.permissions import VIEWER_GROUP, stack_app_labels, viewer_group_sync
from apis.files.services import file_upload
from apis.models.models import Model
from apis.providers.models import ProviderRegistration
from providers.resolver import get_stack

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources() -> dict[str, str]:
    """One of each: a provider registration, a model, a file and a batch (pks by kind)."""
    from io import BytesIO

    get_stack()
    stored = file_upload(fileobj=BytesIO(b'{"custom_id": "a"}\n'), filename="in.jsonl", purpose="batch")
    batch = batch_create(input_file_id=stored.id, endpoint="/v1/chat/completions", completion_window="24h")
    return {
        "provider": str(ProviderRegistration.objects.get(provider_id="up").pk),
        "model": str(Model.objects.get(identifier="echo").pk),
        "file": stored.id,
        "batch": quote(batch.id),
    }


def test_the_viewer_group_has_every_view_permission_and_nothing_else() -> None:
    group = Group.objects.get(name=VIEWER_GROUP)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    for label in stack_app_labels():
        for model in apps.get_app_config(label).get_models():
            assert (label, f"view_{model._meta.model_name}") in codenames
    assert all(codename.startswith("view_") for _, codename in codenames)
    assert {"providers", "models", "files", "batches", "access"} <= {label for label, _ in codenames}
    viewer_group_sync()  # idempotent
    assert set(Group.objects.get(name=VIEWER_GROUP).permissions.values_list("content_type__app_label", "codename")) \
        == codenames


def test_a_viewer_browses_every_page(viewer: Client, resources: dict[str, str]) -> None:
    pages = [
        "/admin/",
        "/admin/providers/providerregistration/",
        f"/admin/providers/providerregistration/{resources['provider']}/change/",
        f"/admin/providers/providerregistration/{resources['provider']}/test-connection/",
        f"/admin/providers/providerregistration/{resources['provider']}/history/",
        "/admin/models/model/",
        f"/admin/models/model/{resources['model']}/change/",
        "/admin/files/storedfile/",
        f"/admin/files/storedfile/{resources['file']}/change/",
        f"/admin/files/storedfile/{resources['file']}/content/",
        "/admin/batches/batch/",
        f"/admin/batches/batch/{resources['batch']}/change/",
        f"/admin/batches/batch/{resources['batch']}/progress/",
        "/admin/access/apikey/",
        "/admin/access/accesspolicy/",
    ]
    for page in pages:
        assert viewer.get(page).status_code == 200, page
    provider_page = viewer.get(f"/admin/providers/providerregistration/{resources['provider']}/change/")
    assert not provider_page.context["has_change_permission"]
    assert 'name="_save"' not in provider_page.content.decode()
    batch_page = viewer.get(f"/admin/batches/batch/{resources['batch']}/change/").content.decode()
    assert "Cancel batch" not in batch_page
    assert "Import models" not in provider_page.content.decode()
    assert "Create a batch from this file" not in viewer.get(
        f"/admin/files/storedfile/{resources['file']}/change/"
    ).content.decode()


def test_a_viewer_cannot_change_add_delete_or_run_actions(viewer: Client, resources: dict[str, str]) -> None:
    provider_url = f"/admin/providers/providerregistration/{resources['provider']}/"
    refused = [
        ("post", f"{provider_url}change/", {"api": "inference", "provider_type": "remote::openai-compat"}),
        ("post", f"{provider_url}import-models/", {}),
        ("get", "/admin/providers/providerregistration/add/", {}),
        ("post", f"{provider_url}delete/", {"post": "yes"}),
        ("get", "/admin/models/model/add/", {}),
        ("get", "/admin/files/storedfile/add/", {}),
        ("get", "/admin/batches/batch/add/", {}),
        ("post", f"/admin/batches/batch/{resources['batch']}/cancel/", {}),
        ("post", f"/admin/files/storedfile/{resources['file']}/delete/", {"post": "yes"}),
    ]
    for method, url, data in refused:
        assert getattr(viewer, method)(url, data).status_code == 403, url

    # Health checks are all a viewer may run from a list; elsewhere there is no action to choose.
    for url in (
        "/admin/batches/batch/", "/admin/models/model/", "/admin/files/storedfile/", "/admin/access/apikey/",
        "/admin/eval/evaljob/",
    ):
        assert viewer.get(url).context["action_form"] is None, url
    form = viewer.get("/admin/providers/providerregistration/").context["action_form"]
    assert [name for name, _ in form.fields["action"].choices if name] == ["check_health"]
    for url, action, pk in [
        ("/admin/batches/batch/", "cancel_batches", resources["batch"]),
        ("/admin/providers/providerregistration/", "disable", resources["provider"]),
        ("/admin/providers/providerregistration/", "import_models", resources["provider"]),
        ("/admin/models/model/", "refresh_from_providers", resources["model"]),
        ("/admin/models/model/", "delete_selected", resources["model"]),
    ]:
        viewer.post(url, {"action": action, "_selected_action": [pk], "post": "yes"})
    assert Batch.objects.get().status == "validating"
    assert ProviderRegistration.objects.get(pk=resources["provider"]).enabled
    assert Model.objects.filter(pk=resources["model"]).exists()
    assert Model.objects.count() == 6  # nothing imported


def test_only_staff_see_the_console(db: None, resources: dict[str, str]) -> None:
    client = Client()
    for url in ("/admin/", f"/admin/batches/batch/{resources['batch']}/progress/",
                f"/admin/files/storedfile/{resources['file']}/content/"):
        assert client.get(url).status_code == 302, url
        assert client.get(url)["Location"].startswith("/admin/login/")
    client.force_login(User.objects.create_user("someone", "someone@example.com", "pw"))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(f"/admin/batches/batch/{resources['batch']}/progress/").status_code == 302
