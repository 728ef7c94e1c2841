"""The operations console in a real browser: Playwright drives Debian's Chromium against the real server (uvicorn),
a real Celery worker and the test upstream.

An operator logs in, registers the upstream as a provider (a bad config first, then fixed), tests its
connection, imports its models, registers a model, uploads a batch file, starts a batch, watches its progress
bar reach 100% without the page reloading, and downloads the output. Then, with API clients at work (one
hitting its quota, one running a slow batch), the dashboard shows it all live; its screenshot is kept in
test-artifacts/console-dashboard.png; the slow batch is cancelled from its page.
"""

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.contrib.admin.utils import quote
from playwright.sync_api import Browser, Error, Page, expect, sync_playwright

from tests.apis.batches.support import jsonl, request_line
from tests.support.server import ROOT, StackServer, free_port
from tests.support.upstream import Upstream

CHROMIUM = Path(os.environ.get("STACK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
USERNAME, PASSWORD = "ops", "console-e2e-Secret-42"
# Small chunks flushed often, so that progress moves in steps the page can show. Nothing here needs the
# maintenance sweep (no worker is killed), which keeps its default interval.
FAST_ENGINE = {
    "STACK_BATCH_CHUNK_SIZE": "5",
    "STACK_BATCH_CONCURRENCY": "8",
    "STACK_BATCH_CHUNK_CONCURRENCY": "4",
    "STACK_BATCH_FLUSH_SECONDS": "0.2",
}


def distribution(offline_url: str) -> str:
    """Files and batches, authentication by API keys, and one inference provider whose service is down.

    The test upstream is not in it: the operator registers it in the browser.
    """
    return f"""
version: 2
apis: [inference, models, files, batches]
providers:
  inference:
    - provider_id: offline
      provider_type: "remote::openai-compat"
      config: {{base_url: "{offline_url}", max_retries: 0, refresh_models: false}}
  files:
    - provider_id: localfs
      provider_type: "inline::localfs"
      config: {{}}
  batches:
    - provider_id: reference
      provider_type: "inline::reference"
      config: {{}}
server:
  auth:
    provider_config: {{type: api_keys}}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium); "
                    "the console's browser tests need it.")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.skip(f"Chromium at {CHROMIUM} cannot be launched here: {exc.message.splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    # Slow enough that a batch's progress is seen moving.
    with Upstream(latency=0.15) as up:
        yield up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, upstream: Upstream) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("console-e2e")
    config = state / "stack.yaml"
    config.write_text(distribution(f"http://127.0.0.1:{free_port()}/v1"))
    with StackServer(
        state, config, extra_env={**FAST_ENGINE, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    ).running() as stack:
        stack.manage("createsuperuser", "--noinput", "--username", USERNAME, "--email", "ops@example.com")
        stack.start_worker(concurrency=2, beat=True)
        yield stack


@pytest.fixture(scope="module")
def page(browser: Browser, server: StackServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{server.url}/admin/")
    expect(page).to_have_url(f"{server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Stack server console")
    yield page
    context.close()


def save(page: Page) -> None:
    page.click("input[name=_save]")


def api_key(server: StackServer, principal: str, *options: str) -> str:
    return server.manage("create_api_key", principal, *options).stdout.strip().splitlines()[-1]


def test_register_a_provider_and_a_model_then_run_a_batch_and_download_its_output(
    page: Page, server: StackServer, upstream: Upstream
) -> None:
    admin = f"{server.url}/admin"
    # A provider registration: the type first, then its settings; a bad base_url is refused on its field.
    page.goto(f"{admin}/providers/providerregistration/add/")
    page.select_option("#id_api", "inference")
    page.fill("#id_provider_type", "remote::openai-compat")
    page.fill("#id_provider_id", "up")
    page.click("button[name=_choose_type]")
    expect(page.locator("#id_config__base_url")).to_be_visible()
    expect(page.locator("#id_config__api_key")).to_have_attribute("type", "password")
    page.fill("#id_config__base_url", "localhost:8000/v1")
    page.fill("#id_config__timeout", "10")
    save(page)
    expect(page.locator(".field-config__base_url .errorlist")).to_contain_text("must start with http:// or https://")
    page.fill("#id_config__base_url", upstream.base_url)
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Test connection: healthy, and it lists the upstream's models; import them.
    page.click("a:has-text('up (remote::openai-compat)')")
    page.click("a:has-text('Test connection')")
    expect(page.locator("#connection-health")).to_contain_text("OK")
    expect(page.locator("#connection-models")).to_contain_text("echo-model")
    page.click("button:has-text('Import models')")
    expect(page.locator(".messagelist")).to_contain_text("Imported models of up:")

    # A model of our own name, served by the upstream's echo-model.
    page.goto(f"{admin}/models/model/add/")
    page.fill("#id_identifier", "echo")
    page.select_option("#id_provider_id", "up")
    page.fill("#id_provider_resource_id", "echo-model")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Upload a batch file, start a batch from it, and watch it run on its page.
    lines = [request_line(f"req-{i}", f"hello {i}") for i in range(40)]
    page.goto(f"{admin}/files/storedfile/add/")
    page.set_input_files(
        "#id_file", files=[{"name": "requests.jsonl", "mimeType": "application/jsonl", "buffer": jsonl(lines)}]
    )
    page.select_option("#id_purpose", "batch")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("Uploaded requests.jsonl")
    page.click("a:has-text('Create a batch from this file')")
    page.select_option("#id_endpoint", "/v1/chat/completions")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("created")
    # Every value the percentage shows, from this page load on: the page itself is never reloaded.
    page.evaluate("""() => {
        window.consoleSeen = [document.querySelector('.console-progress [data-live=percent]').textContent];
        new MutationObserver(() => window.consoleSeen.push(
            document.querySelector('.console-progress [data-live=percent]').textContent
        )).observe(document.querySelector('.console-progress'), {subtree: true, characterData: true, childList: true});
    }""")
    expect(page.locator(".console-progress [data-live=percent]")).to_have_text("100%", timeout=60_000)
    expect(page.locator("[data-live=status]")).to_have_text("completed", timeout=30_000)
    seen = page.evaluate("window.consoleSeen")
    assert seen[0] != "100%" and seen[-1] == "100%", seen
    expect(page.locator("[data-live=counts]")).to_have_text("40 total, 40 completed, 0 failed")
    expect(page.locator("[data-live=timeline] li")).to_have_count(4)
    expect(page.locator("[data-live=cancel]")).to_be_hidden()  # shown while it ran, gone once completed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-batch.png"), full_page=True)

    with page.expect_download() as download:
        page.click("[data-live=file][data-file=output] a.console-download")
    output = [json.loads(line) for line in Path(download.value.path()).read_text().splitlines()]
    assert sorted(line["custom_id"] for line in output) == sorted(line["custom_id"] for line in lines)
    assert {line["response"]["body"]["choices"][0]["message"]["content"] for line in output} == {
        f"echo: hello {i}" for i in range(40)
    }


def test_the_dashboard_follows_clients_at_work_and_a_batch_is_cancelled(page: Page, server: StackServer) -> None:
    # Needs the provider 'up' registered by the test above.
    client = httpx.Client(base_url=f"{server.url}/v1", timeout=30)
    greedy = {"Authorization": f"Bearer {api_key(server, 'greedy-client', '--requests-per-minute', '2')}"}
    worker = {"Authorization": f"Bearer {api_key(server, 'batch-client')}"}
    statuses = [client.get("/models", headers=greedy).status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and 429 in statuses

    assert client.post("/models", headers=worker, json={"model_id": "slow", "provider_id": "up"}).status_code == 200
    lines = [request_line(f"quick-{i}", model="up/echo-model") for i in range(6)]
    lines += [request_line(f"slow-{i}", model="slow") for i in range(4)]
    upload = client.post(
        "/files", headers=worker, files={"file": ("slow.jsonl", jsonl(lines))}, data={"purpose": "batch"}
    )
    running = client.post("/batches", headers=worker, json={
        "input_file_id": upload.json()["id"], "endpoint": "/v1/chat/completions", "completion_window": "24h"
    }).json()["id"]
    broken = client.post("/files", headers=worker, files={"file": ("broken.jsonl", b"not json\n")},
                         data={"purpose": "batch"})
    failed = client.post("/batches", headers=worker, json={
        "input_file_id": broken.json()["id"], "endpoint": "/v1/chat/completions", "completion_window": "24h"
    }).json()["id"]
    deadline = time.monotonic() + 30
    while client.get(f"/batches/{failed}", headers=worker).json()["status"] != "failed":
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.2)

    page.goto(f"{server.url}/admin/")
    bar = page.locator(f".console-progress[data-progress-url*='{quote(running)}/progress/']")
    expect(bar.locator("[data-live=percent]")).to_have_text("60%", timeout=30_000)  # the quick ones, live
    expect(page.locator("#console-failures")).to_contain_text("line 1: This line is not parseable as valid JSON.")
    expect(page.locator("#console-failures")).to_contain_text("offline")  # the provider that is down
    expect(page.locator(".console-tiles")).to_contain_text("providers healthy")
    expect(page.locator("#console-providers")).to_contain_text("up")
    expect(page.locator("#console-quota")).to_contain_text("greedy-client")
    page.screenshot(path=str(ARTIFACTS / "console-dashboard.png"), full_page=True)

    page.click(f"a[href*='{quote(running)}/change/']")
    page.click("button:has-text('Cancel batch')")
    expect(page.locator(".messagelist")).to_contain_text("is cancelling")
    expect(page.locator("[data-live=status]")).to_have_text("cancelled", timeout=40_000)
    expect(page.locator("[data-live=cancel]")).to_be_hidden()
    expect(page.locator("[data-live=counts]")).to_contain_text("10 total, 6 completed")
