"""The thread bridge: blocking generation on its own thread, consumed from any event loop."""

import asyncio
import threading
import time
from collections.abc import Generator

import pytest

from providers.inline.inference.llama_cpp.threads import iterate_in_thread


def test_items_come_in_order_from_another_thread():
    threads: set[str] = set()

    def produce(cancelled: threading.Event) -> Generator[int, None, None]:
        threads.add(threading.current_thread().name)
        yield from range(5)

    async def consume() -> list[int]:
        return [item async for item in iterate_in_thread(produce, name="producer-test")]

    assert asyncio.run(consume()) == [0, 1, 2, 3, 4]
    assert threads == {"producer-test"}


def test_an_error_of_the_producer_is_raised_in_the_consumer():
    def produce(cancelled: threading.Event) -> Generator[int, None, None]:
        yield 1
        raise ValueError("broken model")

    async def consume() -> list[int]:
        return [item async for item in iterate_in_thread(produce, name="producer-test")]

    with pytest.raises(ValueError, match="broken model"):
        asyncio.run(consume())


def test_a_consumer_that_stops_early_cancels_the_producer():
    stopped = threading.Event()

    def produce(cancelled: threading.Event) -> Generator[int, None, None]:
        count = 0
        try:
            while True:
                count += 1
                yield count
                time.sleep(0.01)
        finally:
            stopped.set()

    async def consume() -> None:
        items = iterate_in_thread(produce, name="producer-test")
        assert await anext(items) == 1
        await items.aclose()

    asyncio.run(consume())
    assert stopped.wait(2), "the producer went on after the consumer closed the stream"


def test_each_of_several_event_loops_gets_its_own_items():
    def produce(cancelled: threading.Event) -> Generator[str, None, None]:
        yield threading.current_thread().name

    async def consume(name: str) -> list[str]:
        return [item async for item in iterate_in_thread(produce, name=name)]

    results: dict[str, list[str]] = {}

    def in_thread(name: str) -> None:
        results[name] = asyncio.run(consume(name))

    workers = [threading.Thread(target=in_thread, args=(f"loop-{index}",)) for index in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert results == {f"loop-{index}": [f"loop-{index}"] for index in range(4)}
