"""Fixtures of the eval tests: every provider of the evaluation APIs with the test upstream's models, a benchmark
over rows whose scores are known by hand, and Celery tasks held in memory so that a test runs each one itself."""

import pytest
from django.test import Client

from tests.apis.datasets.support import distribution, post, qa_rows
from tests.support.upstream import Upstream


@pytest.fixture
def eval_stack(settings, tmp_path, stack_config, upstream: Upstream) -> Upstream:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STACK_EVAL_RETRY_BACKOFF_SECONDS = 0.01
    settings.STACK_EVAL_LEASE_SECONDS = 5
    stack_config(distribution(upstream.base_url))
    upstream.reset()
    return upstream


@pytest.fixture
def benchmark(client: Client, eval_stack: Upstream) -> str:
    """Benchmark 'qa' over dataset 'qa' (tests.apis.datasets.support.qa_rows), graded by equality and subset_of."""
    rows = {"type": "rows", "rows": qa_rows()}
    assert post(client, "/v1beta/datasets", {"dataset_id": "qa", "purpose": "eval/question-answer", "source": rows})
    created = post(client, "/v1alpha/eval/benchmarks", {
        "benchmark_id": "qa", "dataset_id": "qa", "scoring_functions": ["basic::equality", "basic::subset_of"]
    })
    assert created.status_code == 200, created.content
    return "qa"


