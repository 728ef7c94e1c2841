"""Streams of chunks: what a streaming inference call returns.

A stream is an async iterator with `aclose()`. It holds an open upstream response, so whoever
receives one must close it; closing before the end cancels the upstream request.

A stream may also tell, with a `ready` attribute, that its next item (or its end) is already at
hand: the events a service sent together then leave together, in one write to the client.
"""

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

Item = TypeVar("Item")
Source = TypeVar("Source")
Item_co = TypeVar("Item_co", covariant=True)


class ChunkStream(Protocol[Item_co]):
    def __aiter__(self) -> "ChunkStream[Item_co]": ...

    async def __anext__(self) -> Item_co: ...

    async def aclose(self) -> None: ...


def ready(stream: object) -> bool:
    """Whether the stream's next item, or its end, comes without waiting (False when it cannot tell)."""
    return bool(getattr(stream, "ready", False))


class MappedStream(Generic[Source, Item]):
    """The items of `source` passed through `transform`; closing it closes `source`.

    A class rather than an async generator: a generator that was never started ignores `aclose()`,
    which would leave the upstream connection open.
    """

    def __init__(self, source: ChunkStream[Source], transform: Callable[[Source], Item]) -> None:
        self._source = source
        self._transform = transform

    def __aiter__(self) -> "MappedStream[Source, Item]":
        return self

    async def __anext__(self) -> Item:
        return self._transform(await self._source.__anext__())

    @property
    def ready(self) -> bool:
        return ready(self._source)

    async def aclose(self) -> None:
        # The protocol promised providers only an async iterator: one without aclose() has nothing to free.
        aclose = getattr(self._source, "aclose", None)
        if aclose is not None:
            await aclose()
