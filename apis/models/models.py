"""The model routing table: which provider serves a model id, and under which of its own names."""

from django.db import models

from apis.common.models import RoutedResource


class Model(RoutedResource):
    """A registered model; `provider_resource_id` is the provider's own id for it."""

    class ModelType(models.TextChoices):
        LLM = "llm", "LLM"
        EMBEDDING = "embedding", "embedding"
        RERANK = "rerank", "rerank"

    model_type = models.CharField(max_length=16, choices=ModelType.choices, default=ModelType.LLM)
    metadata = models.JSONField(default=dict, blank=True, help_text="Embedding models need 'embedding_dimension'.")
