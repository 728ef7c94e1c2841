"""Streaming under ASGI (Django's AsyncClient): events are sent as the upstream produces them, not buffered."""

import itertools
import json
import time

import pytest
from django.test import AsyncClient

from apis.inference.routes import sse_events
from apis.inference.schemas import ChatCompletionChunk

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


class ReceivedStream:
    """A provider's stream whose chunks came in one network read (ready) or one read each (not ready)."""

    def __init__(self, chunks: list[ChatCompletionChunk], received_together: bool) -> None:
        self.chunks = list(chunks)
        self.ready = received_together
        self.closed = False

    def __aiter__(self) -> "ReceivedStream":
        return self

    async def __anext__(self) -> ChatCompletionChunk:
        if not self.chunks:
            raise StopAsyncIteration
        return self.chunks.pop(0)

    async def aclose(self) -> None:
        self.closed = True


@pytest.mark.parametrize("together", [True, False])
async def test_events_received_together_are_written_together(together: bool) -> None:
    chunks = [ChatCompletionChunk(id="c", created=1, model="m", choices=[{"index": 0, "delta": {"content": word}}])
              for word in ("one", "two")]
    stream = ReceivedStream(chunks, received_together=together)
    parts = [part async for part in sse_events(stream)]
    events = [b"data: " + chunk.model_dump_json(exclude_unset=True).encode() + b"\n\n" for chunk in chunks]
    if together:
        assert parts == [events[0] + events[1] + b"data: [DONE]\n\n"]
    else:
        assert parts == [events[0], events[1], b"data: [DONE]\n\n"]
    assert stream.closed
