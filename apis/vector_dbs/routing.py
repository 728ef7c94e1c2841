"""The vector DBs API over the vector DB routing table."""

from asgiref.sync import sync_to_async

from apis.vector_dbs.schemas import (
    GetVectorDBRequest,
    ListVectorDBsResponse,
    RegisterVectorDBRequest,
    UnregisterVectorDBRequest,
    VectorDB,
    VectorDBDeleted,
)
from apis.vector_dbs.services import vector_db_register, vector_db_unregister
from apis.vector_dbs.table import VECTOR_DBS, vector_db_to_schema


class VectorDBsRoutingTable:
    async def list_vector_dbs(self) -> ListVectorDBsResponse:
        return ListVectorDBsResponse(data=[vector_db_to_schema(row) for row in await VECTOR_DBS.alist_rows()])

    async def get_vector_db(self, request: GetVectorDBRequest) -> VectorDB:
        return vector_db_to_schema(await VECTOR_DBS.aget(request.vector_db_id))

    async def register_vector_db(self, request: RegisterVectorDBRequest) -> VectorDB:
        row = await sync_to_async(vector_db_register)(
            identifier=request.vector_db_id,
            embedding_model=request.embedding_model,
            embedding_dimension=request.embedding_dimension,
            provider_id=request.provider_id,
            provider_resource_id=request.provider_vector_db_id,
            vector_db_name=request.vector_db_name,
        )
        return vector_db_to_schema(row)

    async def unregister_vector_db(self, request: UnregisterVectorDBRequest) -> VectorDBDeleted:
        await sync_to_async(vector_db_unregister)(identifier=request.vector_db_id)
        return VectorDBDeleted(identifier=request.vector_db_id)
