"""Routes of the inference API: OpenAI's chat completions, completions and embeddings.

With `stream: true` the answer is server-sent events, written as the provider sends its chunks.
"""

import json
import logging
from collections.abc import AsyncIterator, Iterator

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Router
from pydantic import BaseModel

from apis.common.errors import StackError
from apis.inference.protocol import Inference
from apis.inference.schemas import (
    ChatCompletion,
    ChatCompletionRequest,
    Completion,
    CompletionRequest,
    EmbeddingsRequest,
    EmbeddingsResponse,
)
from apis.inference.streams import ChunkStream, ready

logger = logging.getLogger(__name__)

STREAM_DESCRIPTION = (
    "With `stream: true`, the answer is `text/event-stream`: one `data: <chunk>` event per chunk, "
    'then `data: [DONE]`. A failure after the stream started is sent as `data: {"error": {...}}`.'
)


async def sse_events(stream: ChunkStream[BaseModel]) -> AsyncIterator[bytes]:
    """The stream as server-sent events; the upstream request is closed however the stream ends.

    Each event is written as soon as it is received, together with those received at the same time.
    When the client disconnects, the ASGI handler cancels the task iterating this generator: the
    `finally` closes the upstream response, which cancels the request at the provider.
    """
    events: list[bytes] = []
    try:
        try:
            async for chunk in stream:
                events.append(b"data: " + chunk.model_dump_json(exclude_unset=True).encode() + b"\n\n")
                if not ready(stream):
                    yield b"".join(events)
                    events.clear()
            events.append(b"data: [DONE]\n\n")
        except StackError as exc:
            logger.warning("Stream ended by an error: %s", exc.message)
            events.append(b"data: " + json.dumps(exc.body()).encode() + b"\n\n")
        yield b"".join(events)
    finally:
        await stream.aclose()


async def sse_response(request: HttpRequest, stream: ChunkStream[BaseModel]) -> StreamingHttpResponse:
    if isinstance(request, ASGIRequest):
        content: AsyncIterator[bytes] | Iterator[bytes] = sse_events(stream)
    else:
        # Under WSGI (runserver, Django's test Client) this view runs in an event loop that ends with
        # it, taking the upstream connection along: the events are read here and sent at once.
        content = iter([event async for event in sse_events(stream)])
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # Tells nginx-style proxies not to buffer the events.
    response["X-Accel-Buffering"] = "no"
    return response


def json_response(result: BaseModel) -> HttpResponse:
    """The provider's answer as it stands: it is already a validated response model, so it is
    serialized once here rather than validated again and re-encoded by the generic response path."""
    return HttpResponse(result.model_dump_json(), content_type="application/json")


def create_router(impl: Inference) -> Router:
    router = Router(tags=["Inference"])

    @router.post(
        "/chat/completions",
        response=ChatCompletion,
        summary="Create a chat completion",
        description=STREAM_DESCRIPTION,
    )
    async def openai_chat_completion(
        request: HttpRequest, body: ChatCompletionRequest
    ) -> HttpResponse:
        result = await impl.openai_chat_completion(body)
        return json_response(result) if isinstance(result, BaseModel) else await sse_response(request, result)

    @router.post("/completions", response=Completion, summary="Create a completion", description=STREAM_DESCRIPTION)
    async def openai_completion(request: HttpRequest, body: CompletionRequest) -> HttpResponse:
        result = await impl.openai_completion(body)
        return json_response(result) if isinstance(result, BaseModel) else await sse_response(request, result)

    @router.post("/embeddings", response=EmbeddingsResponse, summary="Create embeddings")
    async def openai_embeddings(request: HttpRequest, body: EmbeddingsRequest) -> HttpResponse:
        return json_response(await impl.openai_embeddings(body))

    return router
