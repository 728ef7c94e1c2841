"""Fixtures of the vector DB tests: the test upstream's embedding model and an inline::orm provider."""

import pytest

from tests.apis.vector_dbs.support import register_embedding_model, register_vector_io
from tests.support.upstream import Upstream


@pytest.fixture
def embedding_model(db: None, upstream: Upstream) -> str:
    return register_embedding_model(upstream)


@pytest.fixture
def provider(embedding_model: str) -> str:
    return register_vector_io()
