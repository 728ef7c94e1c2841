"""Request ids in headers and logs, JSON log lines, and the Prometheus /metrics endpoint."""

import json
import logging
import os

import pytest
from django.test import Client

from stackproject.observability import REQUEST_ID_HEADER, RequestIdFilter, new_request_id, request_id_var

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client: Client) -> None:
    first = client.get("/v1/health")[REQUEST_ID_HEADER]
    second = client.get("/v1/no-such-route")[REQUEST_ID_HEADER]
    assert len(first) == 32 and len(second) == 32 and first != second


def test_request_ids_differ_between_requests_and_between_forked_processes() -> None:
    """Celery's prefork pool forks workers after import: each child draws its own prefix."""
    ids = [new_request_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in ids)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the forked child
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.waitpid(child, 0)
    from_child = os.read(read, 64).decode()
    os.close(read)
    os.close(write)
    assert from_child[:16] != new_request_id()[:16]
    assert from_child not in ids


def test_a_client_request_id_is_kept_and_a_malformed_one_replaced(client: Client) -> None:
    assert client.get("/v1/health", headers={REQUEST_ID_HEADER: "trace-abc.1"})[REQUEST_ID_HEADER] == "trace-abc.1"
    replaced = client.get("/v1/health", headers={REQUEST_ID_HEADER: "bad id\nwith newline"})[REQUEST_ID_HEADER]
    assert replaced != "bad id\nwith newline" and len(replaced) == 32


def test_log_records_carry_the_request_id_and_format_as_json() -> None:
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )
    record = logging.LogRecord("stack.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    token = request_id_var.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "req-42"
    assert line["message"] == "hello world"
    assert line["level"] == "INFO" and line["logger"] == "stack.test"


def metric_value(client: Client, line_prefix: str) -> float:
    text = client.get("/metrics").content.decode()
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_prefix + " ")]
    return values[0] if values else 0.0


def test_metrics_count_requests_per_route_pattern(client: Client) -> None:
    series = 'stack_http_requests_total{method="GET",route="v1/providers/<provider_id>",status="404"}'
    before = metric_value(client, series)
    client.get("/v1/providers/some-id")
    client.get("/v1/providers/other-id")
    assert metric_value(client, series) == before + 2
    text = client.get("/metrics").content.decode()
    assert "some-id" not in text
    bucket = 'stack_http_request_duration_seconds_bucket{le="0.001",method="GET",route="v1/providers/<provider_id>"}'
    assert bucket in text
    assert "stack_queue_depth" in text
