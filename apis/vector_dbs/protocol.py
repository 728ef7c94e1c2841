"""The vector DBs API, as the routes call it."""

from typing import Protocol

from apis.vector_dbs.schemas import (
    GetVectorDBRequest,
    ListVectorDBsResponse,
    RegisterVectorDBRequest,
    UnregisterVectorDBRequest,
    VectorDB,
    VectorDBDeleted,
)


class VectorDBs(Protocol):
    async def list_vector_dbs(self) -> ListVectorDBsResponse: ...

    async def get_vector_db(self, request: GetVectorDBRequest) -> VectorDB: ...

    async def register_vector_db(self, request: RegisterVectorDBRequest) -> VectorDB: ...

    async def unregister_vector_db(self, request: UnregisterVectorDBRequest) -> VectorDBDeleted: ...
