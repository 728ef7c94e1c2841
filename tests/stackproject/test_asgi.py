"""The ASGI entry point: API requests through the lean handler, the rest through Django's own."""

import asyncio
import json
import threading
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.signals import request_finished, request_started
from django.db import connection

from apis.access import services
from stackproject.asgi import CONNECTION_CHECK_SECONDS, api_application, application


async def call(
    path: str, method: str = "GET", body: bytes = b"", send_error: Exception | None = None
) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request to the ASGI application, as uvicorn would make it: (status, headers, body).

    With `send_error`, sending the answer fails with it, as when the connection broke."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    answered = asyncio.Event()
    received = False
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if send_error is not None:
            raise send_error
        messages.append(message)

    await application(scope, receive, send)
    answered.set()
    start = messages[0]
    content = b"".join(message.get("body", b"") for message in messages[1:])
    return start["status"], dict(start["headers"]), content


@pytest.mark.django_db(transaction=True)
def test_api_requests_check_the_sync_threads_database_connections_at_most_once_a_second(own_loops: None) -> None:
    """What Django's request signals do for each request, done every CONNECTION_CHECK_SECONDS.

    close_old_connections() marks a connection's health as unchecked (and closes it when expired or
    broken); it must happen in the thread that owns the connection: asgiref's sync thread.
    """

    def connect() -> None:
        connection.ensure_connection()
        connection.health_check_done = True

    def checked() -> bool:
        return not connection.health_check_done

    async def scenario() -> None:
        await sync_to_async(connect)()
        api_application._connections_checked = time.monotonic()
        status, _, _ = await call("/v1/version")
        assert status == 200
        assert not await sync_to_async(checked)(), "checked again within CONNECTION_CHECK_SECONDS"

        api_application._connections_checked = time.monotonic() - CONNECTION_CHECK_SECONDS
        status, _, _ = await call("/v1/version")
        assert status == 200
        assert await sync_to_async(checked)(), "not checked after CONNECTION_CHECK_SECONDS"

    asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_api_requests_answer_errors_in_json_without_the_request_signals(own_loops: None) -> None:
    """The signals' Django receivers only concern connections API requests do not use (see handle())."""
    seen: list[str] = []

    def started(**kwargs: Any) -> None:
        seen.append("started")

    def finished(**kwargs: Any) -> None:
        seen.append("finished")

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        status, headers, content = asyncio.run(call("/v1/no-such-route"))
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
    assert status == 404
    assert headers[b"Content-Type"] == b"application/json"
    assert json.loads(content)["error"]["message"] == "Route GET /v1/no-such-route not found."
    assert seen == []


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_answering_leaves_the_handler_as_itself(own_loops: None) -> None:
    """Not wrapped in the handler's task group: the server logs the failure's own traceback."""
    with pytest.raises(ConnectionResetError, match="peer gone"):
        asyncio.run(call("/v1/no-such-route", send_error=ConnectionResetError("peer gone")))


@pytest.mark.django_db(transaction=True)
def test_a_stale_route_policy_is_checked_again_by_one_request_while_the_others_keep_it(
    own_loops: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-check runs in the sync thread; the requests arriving meanwhile do not wait for it."""
    monkeypatch.setattr(services, "POLICY_RECHECK_SECONDS", 0.05)

    async def scenario() -> None:
        status, _, _ = await call("/v1/no-such-route")
        assert status == 404
        await asyncio.sleep(0.1)
        api_application._connections_checked = time.monotonic()
        release = threading.Event()
        busy = asyncio.ensure_future(sync_to_async(release.wait)())
        try:
            await asyncio.sleep(0.05)
            rechecking = asyncio.ensure_future(call("/v1/no-such-route"))
            await asyncio.sleep(0.05)
            others = await asyncio.wait_for(asyncio.gather(*(call("/v1/no-such-route") for _ in range(5))), 5)
            assert [status for status, _, _ in others] == [404] * 5
            assert not rechecking.done()
        finally:
            release.set()
        await busy
        assert (await rechecking)[0] == 404

    asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_other_paths_go_through_django_with_the_full_middleware_chain(own_loops: None) -> None:
    status, headers, _ = asyncio.run(call("/admin/login/"))
    assert status == 200
    # Set by SessionMiddleware/CsrfViewMiddleware, which the API chain leaves out.
    assert b"csrftoken" in headers.get(b"Set-Cookie", b"")


def test_server_processes_collect_garbage_rarely_and_never_scan_the_startup_objects() -> None:
    import gc

    from stackproject.asgi import GC_THRESHOLDS

    assert gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_freeze_count() > 10_000  # modules, settings, URL patterns, schemas
