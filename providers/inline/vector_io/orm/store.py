"""`inline::orm`: chunks and their vectors in the Django database, searched by exact cosine similarity.

Vectors are stored scaled to unit length as float32 bytes, so that cosine similarity is a dot
product. A query reads a vector DB's vectors page by page (ids and vectors only), scores each page
with numpy and keeps the best `max_chunks` so far: memory is bounded by one page whatever the size
of the vector DB. Measured on SQLite: 100k chunks of 768 dimensions (300 MB of vectors) take 3 to 5
seconds a query with a peak of 40 MB; reading the rows is most of it. Larger stores want pgvector.
"""

from typing import Any

import numpy as np
from asgiref.sync import sync_to_async
from django.db import transaction

from apis.vector_dbs.schemas import VectorDB
from apis.vector_io.models import VectorChunk
from apis.vector_io.schemas import Chunk, QueryChunksResponse
from providers.inline.vector_io.orm.config import OrmVectorIOConfig


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (a zero row stays zero: it is similar to nothing)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0).astype("<f4")


def chunk_of(row: VectorChunk) -> Chunk:
    return Chunk(content=row.content, metadata=row.metadata, chunk_id=row.chunk_id)


class OrmVectorIO:
    def __init__(self, config: OrmVectorIOConfig) -> None:
        self.config = config

    def _chunks(self, vector_db: VectorDB) -> Any:
        return VectorChunk.objects.filter(provider_id=vector_db.provider_id, store=vector_db.provider_resource_id)

    async def unregister_vector_db(self, vector_db: VectorDB) -> None:
        await sync_to_async(self._chunks(vector_db).delete)()

    async def insert_chunks(self, vector_db: VectorDB, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        await sync_to_async(self._insert)(vector_db, chunks, embeddings)

    def _insert(self, vector_db: VectorDB, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        vectors = unit_rows(embeddings)
        rows = [
            VectorChunk(
                provider_id=vector_db.provider_id,
                store=vector_db.provider_resource_id,
                chunk_id=chunk.chunk_id,
                content=chunk.model_dump(mode="json")["content"],
                metadata=chunk.metadata,
                embedding=vectors[index].tobytes(),
            )
            for index, chunk in enumerate(chunks)
        ]
        with transaction.atomic():
            VectorChunk.objects.bulk_create(
                rows,
                batch_size=self.config.insert_batch_size,
                update_conflicts=True,
                unique_fields=["provider_id", "store", "chunk_id"],
                update_fields=["content", "metadata", "embedding"],
            )

    async def query_chunks(
        self, vector_db: VectorDB, embedding: np.ndarray, max_chunks: int, score_threshold: float
    ) -> QueryChunksResponse:
        return await sync_to_async(self._query)(vector_db, embedding, max_chunks, score_threshold)

    def _query(
        self, vector_db: VectorDB, embedding: np.ndarray, max_chunks: int, score_threshold: float
    ) -> QueryChunksResponse:
        query = unit_rows(embedding.reshape(1, -1))[0]
        dimension = vector_db.embedding_dimension
        best_ids = np.empty(0, dtype=np.int64)
        best_scores = np.empty(0, dtype=np.float32)
        last_id = 0
        while True:
            page = list(
                self._chunks(vector_db)
                .filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", "embedding")[: self.config.scan_page_size]
            )
            if not page:
                break
            last_id = page[-1][0]
            ids = np.fromiter((row[0] for row in page), dtype=np.int64, count=len(page))
            matrix = np.frombuffer(b"".join(row[1] for row in page), dtype="<f4").reshape(len(page), dimension)
            scores = matrix @ query
            passing = scores >= score_threshold
            best_ids = np.concatenate([best_ids, ids[passing]])
            best_scores = np.concatenate([best_scores, scores[passing]])
            if len(best_ids) > max_chunks:
                keep = np.argpartition(-best_scores, max_chunks - 1)[:max_chunks]
                best_ids, best_scores = best_ids[keep], best_scores[keep]
        # Best first; equal scores in insertion order.
        order = np.lexsort((best_ids, -best_scores))
        rows = VectorChunk.objects.in_bulk(best_ids.tolist())
        return QueryChunksResponse(
            chunks=[chunk_of(rows[int(best_ids[i])]) for i in order],
            scores=[round(float(best_scores[i]), 6) for i in order],
        )

    async def health(self) -> dict[str, str]:
        return {"status": "OK", "message": "Chunks in the Django database."}
