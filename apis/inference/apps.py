"""The inference API: OpenAI-compatible chat completions, completions and embeddings."""

from apis.common.apps import StackApiConfig


class InferenceConfig(StackApiConfig):
    default = True
    name = "apis.inference"
    label = "inference"
    verbose_name = "Inference"
    api = "inference"
    api_level = "v1"
    openai_compat = True
    provider_apis = ("inference",)
    impl_class = "apis.inference.routing.InferenceRouter"
