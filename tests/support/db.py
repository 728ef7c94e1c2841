"""Database helpers for tests of async code."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext


@asynccontextmanager
async def queries_in_sync_thread() -> AsyncIterator[list[str]]:
    """The SQL run meanwhile by asgiref's sync thread, where async code's ORM calls go."""
    # Entered, left and read in the sync thread: `connection` stands for the calling thread's connection.
    context = CaptureQueriesContext(connection)
    await sync_to_async(context.__enter__)()
    sql: list[str] = []
    try:
        yield sql
    finally:
        await sync_to_async(context.__exit__)(None, None, None)
        sql.extend(await sync_to_async(lambda: [query["sql"] for query in context.captured_queries])())
