"""The vector IO API: inserting chunks into vector DBs and querying them; the inline::orm provider's storage."""

from apis.common.apps import StackApiConfig


class VectorIOConfig(StackApiConfig):
    default = True
    name = "apis.vector_io"
    label = "vector_io"
    verbose_name = "Vector IO"
    api = "vector_io"
    api_level = "v1"
    provider_apis = ("vector_io",)
    impl_class = "apis.vector_io.routing.VectorIORouter"
