"""Routes of the vector IO API."""

from django.http import HttpRequest
from ninja import Router

from apis.vector_io.protocol import VectorIO
from apis.vector_io.schemas import InsertChunksRequest, InsertChunksResponse, QueryChunksRequest, QueryChunksResponse


def create_router(impl: VectorIO) -> Router:
    router = Router(tags=["Vector IO"])

    @router.post("/vector-io/insert", response=InsertChunksResponse, summary="Insert chunks into a vector DB")
    async def insert_chunks(request: HttpRequest, body: InsertChunksRequest) -> InsertChunksResponse:
        return await impl.insert_chunks(body)

    @router.post("/vector-io/query", response=QueryChunksResponse, summary="Find the chunks most like a query")
    async def query_chunks(request: HttpRequest, body: QueryChunksRequest) -> QueryChunksResponse:
        return await impl.query_chunks(body)

    return router
