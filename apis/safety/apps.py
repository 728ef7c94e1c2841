"""The safety API: running shields over messages, and OpenAI-compatible moderations."""

from apis.common.apps import StackApiConfig


class SafetyConfig(StackApiConfig):
    default = True
    name = "apis.safety"
    label = "safety"
    verbose_name = "Safety"
    api = "safety"
    api_level = "v1"
    provider_apis = ("safety",)
    impl_class = "apis.safety.routing.SafetyRouter"
