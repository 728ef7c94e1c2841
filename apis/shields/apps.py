"""The shields API: the shield routing table, its routes and admin."""

from apis.common.apps import StackApiConfig


class ShieldsConfig(StackApiConfig):
    default = True
    name = "apis.shields"
    label = "shields"
    verbose_name = "Shields"
    api = "shields"
    api_level = "v1"
    provider_apis = ("safety",)
    impl_class = "apis.shields.routing.ShieldsRoutingTable"
