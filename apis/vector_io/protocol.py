"""The vector IO API (what the routes call) and what a vector IO provider implements."""

from typing import Any, Protocol

import numpy as np

from apis.vector_dbs.schemas import VectorDB
from apis.vector_io.schemas import (
    Chunk,
    InsertChunksRequest,
    InsertChunksResponse,
    QueryChunksRequest,
    QueryChunksResponse,
)


class VectorIO(Protocol):
    async def insert_chunks(self, request: InsertChunksRequest) -> InsertChunksResponse: ...

    async def query_chunks(self, request: QueryChunksRequest) -> QueryChunksResponse: ...


class VectorIOProvider(Protocol):
    """Stores chunks with their vectors under `vector_db.provider_resource_id` and finds the nearest ones.

    The router computes the vectors (through the inference API) before calling it. A provider may
    also have `async register_vector_db(vector_db)` (prepare its store; called again by each process
    before it first uses the vector DB, so it must be idempotent) and `async unregister_vector_db(vector_db)`
    (delete the store): see apis.common.routing_table.
    """

    async def insert_chunks(self, vector_db: VectorDB, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        """Insert (or replace, by chunk_id, which every chunk has) the chunks; `embeddings` is (len(chunks), dim)."""
        ...

    async def query_chunks(
        self, vector_db: VectorDB, embedding: np.ndarray, max_chunks: int, score_threshold: float
    ) -> QueryChunksResponse:
        """The chunks most similar to `embedding` by cosine similarity, at least `score_threshold`, best first."""
        ...

    async def health(self) -> dict[str, Any]: ...
