"""The Batches API: OpenAI's Batch contract, processed by Celery workers."""

from apis.common.apps import StackApiConfig


class BatchesConfig(StackApiConfig):
    default = True
    name = "apis.batches"
    label = "batches"
    verbose_name = "Batches"
    api = "batches"
    api_level = "v1"
    openai_compat = True
    provider_apis = ("batches",)
    impl_class = "apis.batches.routing.BatchesRouter"
