"""The vector DBs API: the vector DB routing table, its routes and admin."""

from apis.common.apps import StackApiConfig


class VectorDBsConfig(StackApiConfig):
    default = True
    name = "apis.vector_dbs"
    label = "vector_dbs"
    verbose_name = "Vector DBs"
    api = "vector_dbs"
    api_level = "v1"
    provider_apis = ("vector_io",)
    impl_class = "apis.vector_dbs.routing.VectorDBsRoutingTable"
