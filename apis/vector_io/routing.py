"""The vector IO API: computes vectors through our inference routing, then calls the vector DB's provider.

Every chunk's vector is computed (in batches of EMBEDDING_BATCH_SIZE texts per embeddings request)
before any is stored, so a failing embeddings request stores nothing.
"""

import hashlib
import uuid

import numpy as np

from apis.common.errors import BadRequestError, UpstreamError
from apis.inference.protocol import Inference
from apis.inference.schemas import EmbeddingsRequest
from apis.vector_dbs.schemas import VectorDB
from apis.vector_dbs.table import VECTOR_DBS
from apis.vector_io.protocol import VectorIOProvider
from apis.vector_io.schemas import (
    Chunk,
    InsertChunksRequest,
    InsertChunksResponse,
    QueryChunksRequest,
    QueryChunksResponse,
)
from providers.resolver import api_impl
from providers.spec import Api

# Texts per embeddings request: large enough to amortize the round trip, small enough for any service.
EMBEDDING_BATCH_SIZE = 64


def default_chunk_id(chunk: Chunk) -> str:
    """A stable id from the document and the text, so that inserting the same chunk again replaces it."""
    document_id = str(chunk.metadata.get("document_id", ""))
    digest = hashlib.sha256(f"{document_id}\0{chunk.text()}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16]))


async def embed(vector_db: VectorDB, texts: list[str]) -> np.ndarray:
    """The vectors of `texts` by the vector DB's embedding model, as a (len(texts), dim) float32 array."""
    inference: Inference = api_impl(Api.inference)
    vectors = np.empty((len(texts), vector_db.embedding_dimension), dtype=np.float32)
    for start in range(0, len(texts), EMBEDDING_BATCH_SIZE):
        batch = texts[start : start + EMBEDDING_BATCH_SIZE]
        response = await inference.openai_embeddings(EmbeddingsRequest(model=vector_db.embedding_model, input=batch))
        data = sorted(response.data, key=lambda item: item.get("index", 0))
        if len(data) != len(batch):
            raise UpstreamError(
                f"Embedding model '{vector_db.embedding_model}' returned {len(data)} vectors for {len(batch)} texts.",
                status_code=502,
                code="bad_embeddings",
            )
        for offset, item in enumerate(data):
            vector = item.get("embedding")
            if not isinstance(vector, list) or len(vector) != vector_db.embedding_dimension:
                length = len(vector) if isinstance(vector, list) else "no"
                raise UpstreamError(
                    f"Embedding model '{vector_db.embedding_model}' returned a vector of {length} dimensions; "
                    f"vector DB '{vector_db.identifier}' has {vector_db.embedding_dimension}.",
                    status_code=502,
                    code="bad_embeddings",
                )
            vectors[start + offset] = vector
    return vectors


class VectorIORouter:
    async def insert_chunks(self, request: InsertChunksRequest) -> InsertChunksResponse:
        route = await VECTOR_DBS.aroute(request.vector_db_id, action="update", param="vector_db_id")
        vector_db = route.resource
        chunks = [
            chunk.model_copy(update={"chunk_id": chunk.chunk_id or default_chunk_id(chunk)}) for chunk in request.chunks
        ]
        for index, chunk in enumerate(chunks):
            if chunk.embedding is not None and len(chunk.embedding) != vector_db.embedding_dimension:
                raise BadRequestError(
                    f"chunks[{index}].embedding has {len(chunk.embedding)} dimensions; vector DB "
                    f"'{vector_db.identifier}' has {vector_db.embedding_dimension}.",
                    param=f"chunks.{index}.embedding",
                )
            if chunk.embedding is None and not chunk.text().strip():
                raise BadRequestError(f"chunks[{index}] has no text to embed.", param=f"chunks.{index}.content")
        # The same id twice in one request: the later chunk replaces the earlier, as in two requests.
        chunks = list({chunk.chunk_id: chunk for chunk in chunks}.values())
        embeddings = np.zeros((len(chunks), vector_db.embedding_dimension), dtype=np.float32)
        for index, chunk in enumerate(chunks):
            if chunk.embedding is not None:
                embeddings[index] = chunk.embedding
        missing = [index for index, chunk in enumerate(chunks) if chunk.embedding is None]
        if missing:
            embeddings[missing] = await embed(vector_db, [chunks[index].text() for index in missing])
        provider: VectorIOProvider = route.provider
        # The vectors travel separately: the stored chunk does not repeat them.
        await provider.insert_chunks(vector_db, [c.model_copy(update={"embedding": None}) for c in chunks], embeddings)
        return InsertChunksResponse(vector_db_id=vector_db.identifier, inserted=len(chunks))

    async def query_chunks(self, request: QueryChunksRequest) -> QueryChunksResponse:
        route = await VECTOR_DBS.aroute(request.vector_db_id, param="vector_db_id")
        text = request.text()
        if not text.strip():
            raise BadRequestError("The query has no text.", param="query")
        [embedding] = await embed(route.resource, [text])
        provider: VectorIOProvider = route.provider
        return await provider.query_chunks(
            route.resource, embedding, request.params.max_chunks, request.params.score_threshold
        )
