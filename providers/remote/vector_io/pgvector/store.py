"""`remote::pgvector`: each vector DB a table of a PostgreSQL database with the pgvector extension.

The database is one of Django's (`database`, the default one unless configured). The extension is
created when the first vector DB is registered (`CREATE EXTENSION IF NOT EXISTS vector`, which
needs the extension installed on the server and the right to create it); the health check says
which of the two is missing. Queries order by cosine distance through an HNSW index.
"""

import hashlib
import json
import re
from typing import Any

import numpy as np
from asgiref.sync import sync_to_async
from django.db import DatabaseError, connections, transaction

from apis.common.errors import ServiceUnavailableError
from apis.vector_dbs.schemas import VectorDB
from apis.vector_io.schemas import Chunk, QueryChunksResponse
from providers.remote.vector_io.pgvector.config import PgvectorVectorIOConfig


def table_name(vector_db: VectorDB) -> str:
    """A valid, unique table name for the store: a readable prefix and a hash of the full id."""
    readable = re.sub(r"[^a-z0-9]+", "_", vector_db.provider_resource_id.lower()).strip("_")[:30]
    digest = hashlib.sha256(vector_db.provider_resource_id.encode()).hexdigest()[:12]
    return f"pgvector_{readable}_{digest}"


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form of a vector: '[1.0,2.0,...]'."""
    return "[" + ",".join(repr(float(value)) for value in vector) + "]"


class PgvectorVectorIO:
    def __init__(self, config: PgvectorVectorIOConfig) -> None:
        self.alias = config.database

    def problem(self) -> str | None:
        """Why vector DBs cannot be stored here, or None when they can."""
        connection = connections[self.alias]
        if connection.vendor != "postgresql":
            return f"Database '{self.alias}' is {connection.vendor}; pgvector needs PostgreSQL."
        with connection.cursor() as cursor:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            if cursor.fetchone() is not None:
                return None
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
            if cursor.fetchone() is None:
                return (
                    f"The pgvector extension is not installed on the PostgreSQL server of database '{self.alias}' "
                    "(e.g. the postgresql-<version>-pgvector package)."
                )
        return f"The pgvector extension is installed but not created in database '{self.alias}'."

    async def health(self) -> dict[str, str]:
        problem = await sync_to_async(self.problem)()
        if problem is not None and "not created" not in problem:
            return {"status": "Error", "message": problem}
        return {"status": "OK", "message": problem or "pgvector is ready."}

    async def register_vector_db(self, vector_db: VectorDB) -> None:
        await sync_to_async(self._create_table)(vector_db)

    def _create_table(self, vector_db: VectorDB) -> None:
        connection = connections[self.alias]
        problem = self.problem()
        if problem is not None and "not created" not in problem:
            raise ServiceUnavailableError(problem)
        table = connection.ops.quote_name(table_name(vector_db))
        index = connection.ops.quote_name(table_name(vector_db) + "_embedding")
        try:
            with transaction.atomic(using=self.alias), connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (chunk_id text PRIMARY KEY, content jsonb NOT NULL, "
                    f"metadata jsonb NOT NULL, embedding vector({int(vector_db.embedding_dimension)}) NOT NULL)"
                )
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING hnsw (embedding vector_cosine_ops)"
                )
        except DatabaseError as exc:
            raise ServiceUnavailableError(
                f"pgvector could not prepare vector DB '{vector_db.identifier}' in database '{self.alias}': {exc}"
            ) from exc

    async def unregister_vector_db(self, vector_db: VectorDB) -> None:
        await sync_to_async(self._drop_table)(vector_db)

    def _drop_table(self, vector_db: VectorDB) -> None:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table_name(vector_db))}")

    async def insert_chunks(self, vector_db: VectorDB, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        await sync_to_async(self._insert)(vector_db, chunks, embeddings)

    def _insert(self, vector_db: VectorDB, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        connection = connections[self.alias]
        table = connection.ops.quote_name(table_name(vector_db))
        rows = [
            (
                chunk.chunk_id,
                json.dumps(chunk.model_dump(mode="json")["content"]),
                json.dumps(chunk.metadata),
                vector_literal(embeddings[index]),
            )
            for index, chunk in enumerate(chunks)
        ]
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (chunk_id, content, metadata, embedding) "
                "VALUES (%s, %s::jsonb, %s::jsonb, %s::vector) ON CONFLICT (chunk_id) DO UPDATE SET "
                "content = EXCLUDED.content, metadata = EXCLUDED.metadata, embedding = EXCLUDED.embedding",
                rows,
            )

    async def query_chunks(
        self, vector_db: VectorDB, embedding: np.ndarray, max_chunks: int, score_threshold: float
    ) -> QueryChunksResponse:
        return await sync_to_async(self._query)(vector_db, embedding, max_chunks, score_threshold)

    def _query(
        self, vector_db: VectorDB, embedding: np.ndarray, max_chunks: int, score_threshold: float
    ) -> QueryChunksResponse:
        connection = connections[self.alias]
        table = connection.ops.quote_name(table_name(vector_db))
        query = vector_literal(embedding)
        with connection.cursor() as cursor:
            # `<=>` is the cosine distance: similarity is 1 - distance.
            cursor.execute(
                f"SELECT chunk_id, content, metadata, 1 - (embedding <=> %s::vector) AS score FROM {table} "
                "ORDER BY embedding <=> %s::vector LIMIT %s",
                [query, query, max_chunks],
            )
            found: list[tuple[Any, ...]] = cursor.fetchall()
        passing = [row for row in found if row[3] >= score_threshold]
        return QueryChunksResponse(
            # Django has psycopg hand jsonb over as text.
            chunks=[
                Chunk(chunk_id=chunk_id, content=json.loads(content), metadata=json.loads(metadata))
                for chunk_id, content, metadata, _ in passing
            ],
            scores=[round(float(score), 6) for *_, score in passing],
        )

