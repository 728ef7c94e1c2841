"""Processing of a batch's requests, chunk by chunk, inside one Celery task (one event loop per task).

A task leases a chunk, reads only its byte range of the input, and sends its requests through the
inference API in process, at most `requests_per_chunk` at a time. Results are recorded every
STACK_BATCH_FLUSH_SECONDS (which also renews the lease and notices a cancel or an expiry); lines recorded
before (by a worker that died) are skipped. When a chunk's lines have all started, the task leases the
batch's next pending chunk and keeps its request slots full instead of going back through the broker.
"""

import asyncio
import io
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from pydantic import BaseModel, ValidationError

from apis.batches import services
from apis.batches.conf import BatchSettings
from apis.batches.services import ChunkLease, LeaseLostError, Usage
from apis.common.errors import StackError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError
from apis.inference.schemas import ChatCompletionRequest, CompletionRequest, EmbeddingsRequest

logger = logging.getLogger(__name__)

# The inference API method and request schema of each batch endpoint.
REQUESTS: dict[str, tuple[type[BaseModel], str]] = {
    "/v1/chat/completions": (ChatCompletionRequest, "openai_chat_completion"),
    "/v1/completions": (CompletionRequest, "openai_completion"),
    "/v1/embeddings": (EmbeddingsRequest, "openai_embeddings"),
}


def is_transient(error: StackError) -> bool:
    """Failures worth retrying: the model service was unreachable, timed out, overloaded or broken."""
    if isinstance(error, UpstreamUnavailableError | UpstreamTimeoutError):
        return True
    return isinstance(error, UpstreamError) and (error.status_code == 429 or error.status_code >= 500)


def result_line(
    custom_id: Any, *, status_code: int | None = None, body: Any = None, error: dict[str, Any] | None = None
) -> str:
    """One line of the output or error file, in OpenAI's batch format."""
    response = None
    if status_code is not None:
        response = {"status_code": status_code, "request_id": f"req_{secrets.token_hex(16)}", "body": body}
    line = {"id": f"batch_req_{secrets.token_hex(16)}", "custom_id": custom_id, "response": response, "error": error}
    return json.dumps(line, separators=(",", ":"), ensure_ascii=False)


def usage_of(body: dict[str, Any]) -> Usage:
    usage = body.get("usage") or {}
    prompt = usage.get("prompt_tokens") or usage.get("input_tokens") or 0
    completion = usage.get("completion_tokens") or usage.get("output_tokens") or 0
    prompt_details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or usage.get("output_tokens_details") or {}
    return Usage(
        input_tokens=prompt,
        cached_tokens=prompt_details.get("cached_tokens") or 0,
        output_tokens=completion,
        reasoning_tokens=completion_details.get("reasoning_tokens") or 0,
        total_tokens=usage.get("total_tokens") or prompt + completion,
    )


def input_lines(data: bytes, first_line: int) -> list[tuple[int, bytes]]:
    """(line number, line) of a chunk's bytes, numbered as validation numbered them; blank lines left out."""
    return [(number, raw) for number, raw in enumerate(io.BytesIO(data), start=first_line) if raw.strip()]


def custom_id_of(raw: bytes) -> Any:
    try:
        return json.loads(raw).get("custom_id")
    except (ValueError, AttributeError):
        return None


@dataclass
class ChunkRun:
    """What a task knows about one leased chunk while its requests run."""

    lease: ChunkLease
    expected: int = 0
    finished: int = 0
    all_started: bool = False
    closed: bool = False
    rows: list[tuple[int, bool, str]] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)

    @property
    def complete(self) -> bool:
        return self.all_started and self.finished == self.expected


class Lane:
    """One chunk task: leases chunks of one batch in turn and keeps up to `requests_per_chunk` requests running."""

    def __init__(
        self,
        *,
        inference: Any,
        read_range: Callable[[ChunkLease], Awaitable[bytes]],
        conf: BatchSettings,
        provider_limit: int | None = None,
    ) -> None:
        self.inference = inference
        self.read_range = read_range
        self.conf = conf
        # Never more at once than the batch's provider can take.
        requests = min(conf.requests_per_chunk, provider_limit) if provider_limit else conf.requests_per_chunk
        self.slots = asyncio.Semaphore(requests)
        self.runs: list[ChunkRun] = []
        self.requests: set[asyncio.Task[None]] = set()
        self.stopped = False
        self.finishing = asyncio.Event()

    async def run(self, lease: ChunkLease) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.conf.lane_seconds
        # Never cancelled mid-write: a write cancelled before asgiref's thread ran it would lose its rows.
        flusher = asyncio.create_task(self._flush_every_interval())
        try:
            current: ChunkLease | None = lease
            while current is not None and not self.stopped:
                await self._start(current)
                if self.stopped or loop.time() > deadline:
                    break
                current = await sync_to_async(services.chunk_claim_next)(batch_id=lease.batch_id)
            while self.requests and not self.stopped:
                await asyncio.wait(set(self.requests), timeout=self.conf.flush_seconds)
            self.finishing.set()
            await flusher
            await self._stop_requests()
            await self._flush(final=True)
        except BaseException:
            self.finishing.set()
            await self._stop_requests()
            with suppress(BaseException):
                await flusher
            for run in self.runs:
                if not run.closed:
                    with suppress(Exception):
                        await sync_to_async(services.chunk_release)(lease=run.lease)
            raise

    async def _start(self, lease: ChunkLease) -> None:
        """Start the requests of a chunk's unrecorded lines, waiting for a free slot before each."""
        run = ChunkRun(lease)
        self.runs.append(run)
        lines = [
            (number, raw)
            for number, raw in input_lines(await self.read_range(lease), lease.first_line)
            if number not in lease.recorded_lines
        ]
        run.expected = len(lines)
        if lease.attempts > self.conf.max_attempts:
            # Every attempt at this chunk so far ended with its worker dying: report its lines instead of
            # trying forever.
            message = f"The request could not be processed: its worker failed {self.conf.max_attempts} times."
            for number, raw in lines:
                error = {"code": "internal_error", "message": message}
                run.rows.append((number, False, result_line(custom_id_of(raw), error=error)))
            run.finished = run.expected
        else:
            for number, raw in lines:
                await self.slots.acquire()
                if self.stopped:
                    self.slots.release()
                    return
                task = asyncio.create_task(self._request(run, number, raw))
                self.requests.add(task)
                task.add_done_callback(self.requests.discard)
        run.all_started = True

    async def _request(self, run: ChunkRun, number: int, raw: bytes) -> None:
        try:
            succeeded, payload, usage = await self.execute(raw, run.lease.endpoint)
            run.rows.append((number, succeeded, payload))
            run.usage.add(usage)
            run.finished += 1
        finally:
            self.slots.release()

    async def execute(self, raw: bytes, endpoint: str) -> tuple[bool, str, Usage]:
        """Send one input line's request; (succeeded, the result line, token usage)."""
        data = json.loads(raw)
        custom_id = data.get("custom_id")
        schema, method = REQUESTS[endpoint]
        try:
            request = schema.model_validate(data["body"])
        except ValidationError as exc:
            first = exc.errors()[0]
            param = ".".join(["body", *(str(part) for part in first["loc"])])
            error = {"message": f"Invalid value for '{param}': {first['msg']}", "type": "invalid_request_error"}
            body = {"error": {**error, "code": "invalid_value", "param": param}}
            return False, result_line(custom_id, status_code=400, body=body), Usage()
        try:
            response = await self._call(getattr(self.inference, method), request)
        except StackError as exc:
            return False, result_line(custom_id, status_code=exc.status_code, body=exc.body()), Usage()
        except Exception as exc:  # anything else is this line's failure, never the whole chunk's
            logger.exception("Batch request on %s failed", endpoint)
            error = {"code": "internal_error", "message": str(exc) or type(exc).__name__}
            return False, result_line(custom_id, error=error), Usage()
        body = response.model_dump(mode="json")
        return True, result_line(custom_id, status_code=200, body=body), usage_of(body)

    async def _call(self, method: Callable[[BaseModel], Awaitable[BaseModel]], request: BaseModel) -> BaseModel:
        delay = self.conf.retry_backoff_seconds
        for attempt in range(self.conf.request_retries + 1):
            try:
                return await method(request)
            except StackError as exc:
                if attempt == self.conf.request_retries or not is_transient(exc):
                    raise
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _flush_every_interval(self) -> None:
        while not self.finishing.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(self.finishing.wait(), timeout=self.conf.flush_seconds)
            if self.finishing.is_set():
                return
            try:
                await self._flush(final=False)
            except Exception:  # the database may be briefly unavailable: the rows wait for the next flush
                logger.exception("Recording results of batch chunks failed; trying again")

    async def _flush(self, *, final: bool) -> None:
        """Record what finished, renew the leases, close complete chunks; stop when the batch stopped running."""
        for run in self.runs:
            if run.closed:
                continue
            rows, run.rows = run.rows, []
            usage, run.usage = run.usage, Usage()
            complete = run.complete
            try:
                running = await sync_to_async(services.chunk_record)(
                    lease=run.lease, rows=rows, usage=usage, done=complete, release=final and not complete
                )
            except LeaseLostError:
                logger.warning("Lost the lease of chunk %s of %s", run.lease.chunk_id, run.lease.batch_id)
                run.closed = True
                self.stopped = True
                continue
            except Exception:
                run.rows[:0] = rows
                run.usage.add(usage)
                raise
            run.closed = complete or final
            if not running:
                self.stopped = True
        if self.stopped and not final:
            await self._stop_requests()

    async def _stop_requests(self) -> None:
        """Cancel the requests still running; their lines are reported as unfinished by finalization."""
        pending = list(self.requests)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
