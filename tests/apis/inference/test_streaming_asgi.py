"""Streaming under ASGI (Django's AsyncClient): events are sent as the upstream produces them, not buffered."""

import itertools
import json
import time

import pytest
from django.test import AsyncClient

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_events_arrive_as_the_upstream_sends_them(
    async_client: AsyncClient, models: None, own_loops: None
) -> None:
    body = {"model": "slow-stream", "messages": [{"role": "user", "content": "go"}], "stream": True}
    started = time.monotonic()
    response = await async_client.post("/v1/chat/completions", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    arrivals = []
    content = response.streaming_content
    async for part in content:
        assert part.startswith(b"data: {") and part.endswith(b"\n\n")
        assert json.loads(part[6:])["model"] == "slow-stream"
        arrivals.append(time.monotonic() - started)
        if len(arrivals) == 4:
            break
    await content.aclose()
    # The upstream sends a chunk every 0.2 s: buffering would deliver them together.
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert all(gap > 0.1 for gap in gaps[1:]), arrivals
