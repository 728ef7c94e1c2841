"""The datasetio API (/v1beta): reading a dataset's rows page by page, and appending rows to it."""

from apis.common.apps import StackApiConfig


class DatasetIOConfig(StackApiConfig):
    default = True
    name = "apis.datasetio"
    label = "datasetio"
    verbose_name = "Dataset rows"
    api = "datasetio"
    api_level = "v1beta"
    provider_apis = ("datasetio",)
    impl_class = "apis.datasetio.routing.DatasetIORouter"
