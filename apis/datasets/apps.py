"""The datasets API (/v1beta): the dataset routing table, its routes and admin."""

from apis.common.apps import StackApiConfig


class DatasetsConfig(StackApiConfig):
    default = True
    name = "apis.datasets"
    label = "datasets"
    verbose_name = "Datasets"
    api = "datasets"
    api_level = "v1beta"
    provider_apis = ("datasetio",)
    impl_class = "apis.datasets.routing.DatasetsRoutingTable"
