"""Database helpers for tests of async code."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection


@asynccontextmanager
async def queries_in_sync_thread() -> AsyncIterator[list[str]]:
    """The SQL run meanwhile by asgiref's sync thread, where async code's ORM calls go."""
    queries: list[str] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    # Made, entered and left in the sync thread: `connection` is the connection of the calling thread.
    wrapper = await sync_to_async(lambda: connection.execute_wrapper(record))()
    await sync_to_async(wrapper.__enter__)()
    try:
        yield queries
    finally:
        await sync_to_async(wrapper.__exit__)(None, None, None)
