"""The inline::orm store on its own: the paged exact scan against a brute-force ranking."""

import numpy as np
import pytest
from asgiref.sync import async_to_sync

from apis.vector_dbs.schemas import VectorDB
from apis.vector_io.models import VectorChunk
from apis.vector_io.schemas import Chunk
from providers.inline.vector_io.orm import OrmVectorIO, OrmVectorIOConfig

pytestmark = pytest.mark.django_db

DIMENSION = 12


def vector_db(store: str = "s") -> VectorDB:
    return VectorDB(
        identifier=store, provider_resource_id=store, provider_id="orm", embedding_model="m",
        embedding_dimension=DIMENSION,
    )


def test_the_paged_scan_ranks_exactly_like_brute_force() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(300, DIMENSION)).astype(np.float32)
    vectors[5] = 0  # a zero vector is similar to nothing
    store = OrmVectorIO(OrmVectorIOConfig(scan_page_size=16, insert_batch_size=50))
    chunks = [Chunk(content=f"c{i}", chunk_id=f"c{i}") for i in range(len(vectors))]
    async_to_sync(store.insert_chunks)(vector_db(), chunks, vectors)
    async_to_sync(store.insert_chunks)(vector_db("elsewhere"), chunks[:10], -vectors[:10])
    assert len(VectorChunk.objects.get(chunk_id="c1", store="s").embedding) == DIMENSION * 4

    query = rng.normal(size=DIMENSION).astype(np.float32)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-30)
    expected = unit @ (query / np.linalg.norm(query))
    best = np.argsort(-expected)[:7]
    found = async_to_sync(store.query_chunks)(vector_db(), query, 7, -1.0)
    assert [c.chunk_id for c in found.chunks] == [f"c{i}" for i in best]
    assert found.scores == pytest.approx(expected[best].tolist(), abs=1e-5)

    threshold = float(expected[best[2]]) - 1e-6
    above = async_to_sync(store.query_chunks)(vector_db(), query, 50, threshold)
    assert [c.chunk_id for c in above.chunks] == [f"c{i}" for i in best[:3]]
