"""The models API: the model routing table, its routes, admin and provider discovery."""

from apis.common.apps import StackApiConfig


class ModelsConfig(StackApiConfig):
    default = True
    name = "apis.models"
    label = "models"
    verbose_name = "Models"
    api = "models"
    api_level = "v1"
    openai_compat = True
    provider_apis = ("inference",)
    impl_class = "apis.models.routing.ModelsRoutingTable"
