from apis.common.apps import StackApiConfig


class ProvidersConfig(StackApiConfig):
    default = True
    name = "apis.providers"
    label = "providers"
    verbose_name = "Providers"
    api = "providers"
    impl_class = "apis.providers.routing.ProvidersImpl"
