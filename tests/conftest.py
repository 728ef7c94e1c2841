"""Shared fixtures: every test starts with this process's providers forgotten."""

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from tests.support.upstream import Upstream

CONFIGS = Path(__file__).parent / "configs"


@pytest.fixture(autouse=True)
def fresh_stack(settings):
    """Point STACK_CONFIG at an empty distribution and drop cached providers around each test."""
    from apis.access.services import forget_policy
    from providers import resolver

    settings.STACK_CONFIG = CONFIGS / "empty.yaml"
    resolver.reset()
    forget_policy()
    yield
    resolver.reset()
    forget_policy()


@pytest.fixture
def stack_config(settings, tmp_path):
    """Make `text` the process's distribution config (STACK_CONFIG), as a server would be started with."""
    from apis.access.services import forget_policy
    from providers import resolver

    def use(text: str) -> Path:
        path = tmp_path / "stack-config.yaml"
        path.write_text(text)
        settings.STACK_CONFIG = path
        resolver.reset()
        forget_policy()
        return path

    return use


@pytest.fixture
def held_tasks():
    """Tasks sent go to an in-memory broker that nobody consumes, so a test drives each step itself.

    Yields the tasks sent, as (name, args), in order.
    """
    from celery.signals import before_task_publish

    from stackproject.celery import app

    sent: list[tuple[str, list]] = []

    def record(sender: str, body: tuple, **kwargs: object) -> None:
        sent.append((sender, list(body[0])))

    saved = app.conf.broker_url
    app.conf.broker_url = "memory://"
    app._after_fork()  # forget the producer pool connected to the configured broker (Celery has no public call)
    before_task_publish.connect(record)
    yield sent
    before_task_publish.disconnect(record)
    app.conf.broker_url = saved
    app._after_fork()


@pytest.fixture
def own_loops() -> Iterator[None]:
    """For tests that run the async ORM outside a request (asyncio.run, AsyncClient): close what it opened.

    Those queries run in asgiref's executor threads, whose database connections would otherwise
    outlive the test and keep PostgreSQL from dropping the test database.
    """
    yield
    asyncio.run(sync_to_async(connections.close_all)())
    gc.collect()


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    """The test model service, answering at once; test modules that need it slower define their own."""
    with Upstream() as up:
        yield up
