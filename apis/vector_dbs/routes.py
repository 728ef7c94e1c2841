"""Routes of the vector DBs API. Vector DB ids may contain '/', hence the `path` converter."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.vector_dbs.protocol import VectorDBs
from apis.vector_dbs.schemas import (
    GetVectorDBRequest,
    ListVectorDBsResponse,
    RegisterVectorDBRequest,
    UnregisterVectorDBRequest,
    VectorDB,
    VectorDBDeleted,
)


def create_router(impl: VectorDBs) -> Router:
    router = Router(tags=["Vector DBs"])

    @router.get("/vector-dbs", response=ListVectorDBsResponse, summary="List vector DBs")
    async def list_vector_dbs(request: HttpRequest) -> ListVectorDBsResponse:
        return await impl.list_vector_dbs()

    @router.get("/vector-dbs/{path:vector_db_id}", response=VectorDB, summary="Get a vector DB")
    async def get_vector_db(request: HttpRequest, params: Path[GetVectorDBRequest]) -> VectorDB:
        return await impl.get_vector_db(params)

    @router.post("/vector-dbs", response=VectorDB, summary="Register a vector DB")
    async def register_vector_db(request: HttpRequest, body: RegisterVectorDBRequest) -> VectorDB:
        return await impl.register_vector_db(body)

    @router.delete("/vector-dbs/{path:vector_db_id}", response=VectorDBDeleted, summary="Unregister a vector DB")
    async def unregister_vector_db(request: HttpRequest, params: Path[UnregisterVectorDBRequest]) -> VectorDBDeleted:
        return await impl.unregister_vector_db(params)

    return router
