"""Runs blocking generation on a thread of its own and hands its items to the event loop that awaits them.

llama.cpp computes for seconds without releasing the caller, so it never runs on an event loop. The
loop is looked up when iteration starts, which keeps the provider usable from any loop: uvicorn's,
asgiref's, or the short-lived ones that Celery tasks create with `asyncio.run`.
"""

import asyncio
import threading
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, TypeVar

T = TypeVar("T")

_ITEM, _ERROR, _END = "item", "error", "end"


async def iterate_in_thread(
    produce: Callable[[threading.Event], Generator[T, None, None]], *, name: str
) -> AsyncGenerator[T, None]:
    """Items of `produce(cancelled)`, computed on a new thread.

    When the consumer stops early (it closes the generator, is cancelled, or its loop ends),
    `cancelled` is set; `produce` checks it between items so that it releases the model soon.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    cancelled = threading.Event()

    def deliver(kind: str, value: Any) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (kind, value))
        except RuntimeError:  # the consumer's loop is closed: nobody is waiting for more
            cancelled.set()

    def run() -> None:
        items = produce(cancelled)
        try:
            for item in items:
                deliver(_ITEM, item)
                if cancelled.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, which raises it in its own task
            deliver(_ERROR, exc)
        else:
            deliver(_END, None)
        finally:
            # Runs the producer's own cleanup (releasing its model) now, on this thread.
            items.close()

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        while True:
            kind, value = await queue.get()
            if kind == _END:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        cancelled.set()
