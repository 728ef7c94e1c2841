"""The vector DB routing table, and the one mapping of its rows to the API's `VectorDB`."""

from apis.common.errors import VectorDBNotFoundError
from apis.common.routing_table import RoutingTable
from apis.vector_dbs.models import RegisteredVectorDB
from apis.vector_dbs.schemas import VectorDB
from providers.spec import Api


def vector_db_to_schema(row: RegisteredVectorDB) -> VectorDB:
    return VectorDB(
        identifier=row.identifier,
        provider_resource_id=row.provider_resource_id,
        provider_id=row.provider_id,
        embedding_model=row.embedding_model,
        embedding_dimension=row.embedding_dimension,
        vector_db_name=row.vector_db_name or None,
    )


VECTOR_DBS: RoutingTable[RegisteredVectorDB, VectorDB] = RoutingTable(
    model=RegisteredVectorDB,
    resource_type="vector_db",
    provider_api=Api.vector_io,
    not_found=VectorDBNotFoundError,
    to_schema=vector_db_to_schema,
    id_param="vector_db_id",
    provider_resource_param="provider_vector_db_id",
)
