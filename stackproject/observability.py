"""Request ids, structured logs and Prometheus metrics, shared by web processes and Celery workers.

Each request gets an id (the client's `X-Request-ID` or a new one), returned in the response header,
attached to every log record and carried into the Celery tasks the request enqueues. Metrics use
prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR in the state directory), so that
`/metrics` on any web process reports every process of the machine, workers included.
"""

import contextvars
import itertools
import logging
import os
import re
import time
from collections.abc import Iterable
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from stackproject.middleware import AsyncCapableMiddleware

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

HTTP_REQUESTS = Counter("stack_http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "stack_http_request_duration_seconds", "Time to answer an HTTP request (to the first byte of a stream).",
    ["method", "route"], buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
UPSTREAM_LATENCY = Histogram(
    "stack_upstream_request_duration_seconds", "Time for a provider's upstream service to answer.",
    ["provider_id", "operation"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
UPSTREAM_ERRORS = Counter(
    "stack_upstream_errors_total", "Failed upstream requests, by kind.", ["provider_id", "operation", "kind"]
)
QUOTA_HITS = Counter("stack_quota_hits_total", "Requests refused by a quota.", ["subject"])
BATCH_LINES = Counter("stack_batch_lines_total", "Batch request lines processed.", ["endpoint", "outcome"])


class _RequestIds:
    """Request ids: a random prefix per process (drawn again in forked children) and a counter.

    As unique as uuid4 between processes, without a call to the system's random source per request.
    """

    def __init__(self) -> None:
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.counter = itertools.count(1)

    def new(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


_request_ids = _RequestIds()


_children: dict[tuple[Any, ...], Any] = {}


def labelled(metric: Any, *values: str) -> Any:
    """`metric.labels(*values)`, looked up once: labels() validates and locks on every call."""
    key = (metric, *values)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*values)
    return child


def new_request_id() -> str:
    return _request_ids.new()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _route_label(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    # The route pattern, never the raw path: ids in paths would make the label set unbounded.
    return match.route if match is not None and match.route else "unmatched"


class RequestIdMiddleware(AsyncCapableMiddleware):
    """Sets the request id, times the request and counts it by route and status."""

    def _start(self, request: HttpRequest) -> tuple[contextvars.Token[str], str, float]:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if VALID_REQUEST_ID.match(incoming) else new_request_id()
        return request_id_var.set(request_id), request_id, time.perf_counter()

    def _finish(self, request: HttpRequest, response: HttpResponse, request_id: str, started: float) -> None:
        response[REQUEST_ID_HEADER] = request_id
        route = _route_label(request)
        labelled(HTTP_LATENCY, request.method, route).observe(time.perf_counter() - started)
        labelled(HTTP_REQUESTS, request.method, route, str(response.status_code)).inc()

    def call(self, request: HttpRequest) -> HttpResponse:
        token, request_id, started = self._start(request)
        try:
            response = self.get_response(request)
            self._finish(request, response, request_id, started)
            return response
        finally:
            request_id_var.reset(token)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        token, request_id, started = self._start(request)
        try:
            response = await self.get_response(request)
            self._finish(request, response, request_id, started)
            return response
        finally:
            request_id_var.reset(token)


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id_var.get()


_task_tokens: dict[str, contextvars.Token[str]] = {}


@task_prerun.connect
def _enter_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if task_id is not None:
        _task_tokens[task_id] = request_id_var.set(request_id or f"task-{task_id}")


@task_postrun.connect
def _leave_task(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)


class QueueDepthCollector(Collector):
    """Messages waiting in each Celery queue, read from the broker at scrape time."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        from stackproject.celery import app

        gauge = GaugeMetricFamily("stack_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"])
        queues = [queue.name for queue in app.amqp.queues.values()] or [app.conf.task_default_queue]
        try:
            with app.connection_for_read() as connection:
                channel = connection.default_channel
                for name in queues:
                    try:
                        depth = channel.queue_declare(queue=name, passive=True).message_count
                    except Exception:  # a queue the broker has not seen yet holds nothing
                        depth = 0
                    gauge.add_metric([name], depth)
        except Exception:  # broker unreachable: report no depth rather than failing the scrape
            logging.getLogger(__name__).warning("Cannot read queue depths from the broker.", exc_info=True)
        yield gauge


def metrics_view(request: HttpRequest) -> HttpResponse:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(QueueDepthCollector())
    return HttpResponse(generate_latest(registry), content_type="text/plain; version=0.0.4; charset=utf-8")
