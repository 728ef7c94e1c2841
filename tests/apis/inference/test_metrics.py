"""Upstream latency and errors are counted per provider in /metrics, for every inference request."""

import json
import uuid

import pytest
from django.test import Client

from apis.models.services import model_register
from tests.apis.inference.support import register_upstream
from tests.support.server import free_port
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db


def metric(client: Client, series: str) -> float:
    for line in client.get("/metrics").content.decode().splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def chat(client: Client, model: str):
    body = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
    return client.post("/v1/chat/completions", json.dumps(body), content_type="application/json")


def test_upstream_latency_and_errors_per_provider(client: Client, upstream: Upstream) -> None:
    # Providers of their own: other test processes share the metrics directory.
    live, dead = f"live-{uuid.uuid4().hex[:8]}", f"dead-{uuid.uuid4().hex[:8]}"
    register_upstream(upstream, provider_id=live)
    register_upstream(upstream, provider_id=dead, base_url=f"http://127.0.0.1:{free_port()}/v1", max_retries=0)
    model_register(identifier="m-echo", provider_id=live, provider_resource_id="echo-model")
    model_register(identifier="m-400", provider_id=live, provider_resource_id="fail-400")
    model_register(identifier="m-down", provider_id=dead, provider_resource_id="echo-model")

    assert chat(client, "m-echo").status_code == 200
    assert chat(client, "m-400").status_code == 400
    assert chat(client, "m-down").status_code == 502
    assert (
        metric(
            client, f'stack_upstream_request_duration_seconds_count{{operation="chat_completion",provider_id="{live}"}}'
        )
        == 2
    )
    assert (
        metric(
            client, f'stack_upstream_errors_total{{kind="http_400",operation="chat_completion",provider_id="{live}"}}'
        )
        == 1
    )
    assert (
        metric(
            client,
            f'stack_upstream_errors_total{{kind="unavailable",operation="chat_completion",provider_id="{dead}"}}',
        )
        == 1
    )
