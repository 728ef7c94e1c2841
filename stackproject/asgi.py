"""ASGI entry point, served in production by `manage.py serve` (uvicorn worker processes).

API requests (/v1, /v1alpha, /v1beta) go through a lean middleware chain (API_MIDDLEWARE): they
need no session, CSRF token, messages or Django user, and under ASGI each of Django's built-in
middleware classes hands every request to a thread and back, which would cost more than the
request itself. Everything else (the admin, /metrics) goes through the full MIDDLEWARE chain.

API requests also make no thread hand-off of their own (see ApiASGIHandler.handle): at concurrency 1
each hand-off costs about 0.15 ms here, and under load every request of the process queues for the
same thread.
"""

import asyncio
import gc
import os
import time
from contextlib import closing, suppress
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackproject.settings")

django_application = get_asgi_application()

from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402 - after Django is set up
from django.core.exceptions import RequestAborted  # noqa: E402
from django.core.handlers.asgi import ASGIHandler, get_script_prefix  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.http import HttpResponseBase  # noqa: E402
from django.urls import set_script_prefix  # noqa: E402

from stackproject.middleware import API_PREFIXES  # noqa: E402

# How often an API process checks its database connections (CONN_MAX_AGE, CONN_HEALTH_CHECKS, broken
# connections), which Django does on every request.
CONNECTION_CHECK_SECONDS = 1.0


def close_response(response: HttpResponseBase) -> None:
    """What HttpResponse.close() does but the request_finished signal: closes what the response holds."""
    for closer in response._resource_closers:
        # As in Django: one failing closer does not keep the others from running.
        with suppress(Exception):
            closer()
    response._resource_closers.clear()
    response.closed = True


class ApiASGIHandler(ASGIHandler):
    """Django's ASGI handler with the API_MIDDLEWARE chain instead of MIDDLEWARE.

    It also skips the per-request ThreadSensitiveContext: that gives each request a thread of its
    own for its synchronous work (and a second one to join it), which costs more than an API
    request's few short ORM calls. Those then share asgiref's single sync thread instead, which also
    keeps one database connection per process rather than one per request.
    """

    # When check_connections() last ran (time.monotonic()).
    _connections_checked = 0.0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Django's request cycle (ASGIHandler.handle), without its thread hand-offs and request signals.

        Django sends `request_started` with `asend()` and closes the response with
        `sync_to_async(response.close)`, so that the signals' receivers run in a thread; Django's
        receivers check the database connections of that thread and reset its caches and urlconf.
        Here the sync thread's database connections (the only ones API requests use) are checked
        in that thread at most every CONNECTION_CHECK_SECONDS, the urlconf is set per request by
        get_response_async(), and the caches in use (Redis, files) hold nothing to reset. The
        signals are not sent: their receivers cost more than the rest of the request cycle
        (measured: 54 us a request with warm caches, 250 us after an idle moment). As in Django, a
        client that disconnects before the answer is complete cancels the view.
        """
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            set_script_prefix(get_script_prefix(scope))
            await self.check_connections()
            request, error_response = self.create_request(scope, body_file)
            if request is None:
                await self.send_response(error_response, send)
                close_response(error_response)
                return
            response: HttpResponseBase | None = None
            try:
                async with asyncio.TaskGroup() as tasks:
                    disconnected = tasks.create_task(self.listen_for_disconnect(receive))
                    try:
                        response = await self.run_get_response(request)
                        await self.send_response(response, send)
                    finally:
                        disconnected.cancel()
            except BaseExceptionGroup as group:
                # A client that went away (RequestAborted) needs no answer. Anything else leaves as
                # itself, as from Django's handler, so that the server logs its own traceback.
                _, failures = group.split(RequestAborted)
                if failures is not None:
                    raise (failures.exceptions[0] if len(failures.exceptions) == 1 else failures) from None
            if response is not None:
                close_response(response)

    async def check_connections(self) -> None:
        """Closes the sync thread's unusable or expired database connections, at most every few seconds."""
        now = time.monotonic()
        if now - self._connections_checked >= CONNECTION_CHECK_SECONDS:
            self._connections_checked = now
            await sync_to_async(close_old_connections)()

    def load_middleware(self, is_async: bool = False) -> None:
        full_chain = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = full_chain


api_application = ApiASGIHandler()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"].startswith(API_PREFIXES):
        await api_application(scope, receive, send)
    else:
        await django_application(scope, receive, send)


# The cyclic garbage collector, tuned for a server process. Measured under streaming load at
# concurrency 32 on one process: with Python's default thresholds, 390 collections took 0.6 s of
# every 10 s and each full collection stopped the process for about 100 ms (p99 133 ms); with these,
# 5 collections took 13 ms (p99 61 ms, and 10% more requests served). What lives as long as the
# process (modules, settings, URL patterns) is frozen out of the collections, and a young-generation
# collection waits for 10,000 new objects instead of 700: a request's objects are freed by reference
# counting, and those of the requests in flight need not be scanned again at every collection.
GC_THRESHOLDS = (10_000, 10, 10)
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
