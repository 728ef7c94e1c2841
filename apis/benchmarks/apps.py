"""The benchmarks API (/v1alpha): the benchmark routing table, its routes and admin."""

from apis.common.apps import StackApiConfig


class BenchmarksConfig(StackApiConfig):
    default = True
    name = "apis.benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
    api = "benchmarks"
    api_level = "v1alpha"
    provider_apis = ("eval",)
    impl_class = "apis.benchmarks.routing.BenchmarksRoutingTable"
