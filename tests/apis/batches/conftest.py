"""Fixtures of the Batches API tests: the test upstream as the inference provider, files in a temporary dir.

The batch engine runs in this process with Celery's eager mode where a test asks for it (`engine`):
the same tasks and services a worker runs, one after the other as they are sent.
"""

from collections.abc import Iterator

import pytest

from tests.apis.batches.support import distribution
from tests.support.upstream import Upstream


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    with Upstream(latency=0.01) as up:
        yield up


@pytest.fixture(autouse=True)
def batches_stack(settings, tmp_path, fresh_stack, upstream: Upstream) -> None:
    from providers import resolver

    config = tmp_path / "batches.yaml"
    config.write_text(distribution(upstream.base_url))
    settings.STACK_CONFIG = config
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STACK_BATCH_CHUNK_SIZE = 3
    settings.STACK_BATCH_CONCURRENCY = 4
    settings.STACK_BATCH_CHUNK_CONCURRENCY = 2
    settings.STACK_BATCH_FLUSH_SECONDS = 0.05
    settings.STACK_BATCH_RETRY_BACKOFF_SECONDS = 0.01
    settings.STACK_BATCH_LEASE_SECONDS = 5
    resolver.reset()


@pytest.fixture
def engine() -> Iterator[None]:
    """Run every task sent in this process at once (after the commit that sends it)."""
    import apis.batches.tasks  # noqa: F401 - registers the tasks that eager mode runs
    from stackproject.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


