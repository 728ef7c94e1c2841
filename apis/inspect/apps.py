from apis.common.apps import StackApiConfig


class InspectConfig(StackApiConfig):
    default = True
    name = "apis.inspect"
    label = "inspect"
    verbose_name = "Inspect"
    api = "inspect"
    impl_class = "apis.inspect.routing.InspectImpl"
