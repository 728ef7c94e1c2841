"""End to end: an external provider package registered by module, and an admin edit seen everywhere.

The server runs two uvicorn processes. The distribution config registers `my_ext_provider` (an
installed package exposing `get_provider_spec()`) next to a module that is not installed; the
official openai client then chats with the external provider's model. Ops then edit the
registration in the admin, over HTTP as a browser would, and every web process answers with the new
config on its next requests, with no restart.
"""

import re
from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.support.server import StackServer

CONFIG = """
version: 2
providers:
  inference:
    - provider_id: ext
      provider_type: remote::my-ext
      module: my_ext_provider
      config: {prefix: "v1:", api_key: "ext-secret-value"}
    - provider_id: ghost
      provider_type: remote::ghost
      module: ghost_provider_pkg
      config: {}
registered_resources:
  models:
    - {model_id: reverser, provider_id: ext, provider_model_id: reverser}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("external")
    config = state / "stack.yaml"
    config.write_text(CONFIG)
    with StackServer(
        state, config, web_workers=2, extra_env={"DJANGO_SUPERUSER_PASSWORD": "ops-password"}
    ).running() as stack:
        stack.manage("createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.com")
        yield stack


def chat(client: openai.OpenAI, text: str) -> str:
    answer = client.chat.completions.create(model="reverser", messages=[{"role": "user", "content": text}])
    return answer.choices[0].message.content or ""


def test_the_external_provider_serves_through_the_api(server: StackServer) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    assert chat(client, "stack") == "v1:kcats"
    providers = {p["provider_id"]: p for p in httpx.get(f"{server.url}/v1/providers").json()["data"]}
    assert providers["ext"]["health"] == {"status": "OK", "message": ""}
    assert providers["ext"]["config"] == {"prefix": "v1:", "api_key": "********"}
    assert providers["ghost"]["health"]["status"] == "Error"
    assert "Module 'ghost_provider_pkg' is not installed." in providers["ghost"]["health"]["message"]
    # A provider's own model, addressed directly as provider_id/provider_model_id.
    direct = client.chat.completions.create(model="ext/reverser", messages=[{"role": "user", "content": "ab"}])
    assert direct.choices[0].message.content == "v1:ba"
    assert "ext-secret-value" not in httpx.get(f"{server.url}/v1/providers/ext").text


def admin_session(server: StackServer) -> httpx.Client:
    session = httpx.Client(base_url=server.url, follow_redirects=True)
    login = session.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    assert token, login.text[:500]
    response = session.post(
        "/admin/login/?next=/admin/",
        data={"username": "ops", "password": "ops-password", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 200 and "Log out" in response.text
    return session


def test_an_admin_edit_reaches_every_web_process_without_restart(server: StackServer) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    # Both processes have built their providers with the config's prefix.
    assert {chat(client, "abc") for _ in range(8)} == {"v1:cba"}

    session = admin_session(server)
    changelist = session.get("/admin/providers/providerregistration/", params={"q": "ext"})
    link = re.search(r'href="(/admin/providers/providerregistration/(\d+)/change/)[^"]*"', changelist.text)
    assert link, changelist.text[:2000]
    page = session.get(link.group(1)).text
    assert "ext-secret-value" not in page
    start = page.index('id="providerregistration_form"')
    html = page[start : page.index("</form>", start)]
    form = {"csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)}
    form["api"] = re.search(r'<option value="([^"]+)" selected', html).group(1)
    for name in ("provider_type", "module", "config__prefix"):
        form[name] = re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
    form["config"] = re.search(r'<textarea name="config"[^>]*>(.*?)</textarea>', html, re.S).group(1).strip()
    # The typed form shows the config class's fields: change the prefix, leave the secret blank (kept).
    form.update({"config__prefix": "v2:", "config__api_key": "", "enabled": "on", "_save": "Save"})
    saved = session.post(link.group(1), data=form)
    assert saved.status_code == 200
    assert "was changed successfully" in saved.text, saved.text[:3000]

    # The next requests, whichever process answers them, use the edited registration.
    assert {chat(client, "abc") for _ in range(8)} == {"v2:cba"}
    provider = httpx.get(f"{server.url}/v1/providers/ext").json()
    assert provider["config"] == {"prefix": "v2:", "api_key": "********"}
