"""The model routing table: which provider serves a model id, and under which of its own names."""

from django.db import models


class Model(models.Model):
    class ModelType(models.TextChoices):
        LLM = "llm", "LLM"
        EMBEDDING = "embedding", "embedding"
        RERANK = "rerank", "rerank"

    class Source(models.TextChoices):
        CONFIG = "config", "distribution config"
        API = "api", "registered by a person"
        LISTED = "listed_from_provider", "listed by the provider"

    identifier = models.CharField(max_length=255, unique=True, help_text="The id clients use; may contain '/'.")
    provider_id = models.CharField(max_length=128, db_index=True)
    provider_resource_id = models.CharField(max_length=255, help_text="The provider's own id for the model.")
    model_type = models.CharField(max_length=16, choices=ModelType.choices, default=ModelType.LLM)
    metadata = models.JSONField(default=dict, blank=True, help_text="Embedding models need 'embedding_dimension'.")
    owner_principal = models.CharField(max_length=255, blank=True, default="")
    owner_attributes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=32, choices=Source.choices, default=Source.API, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier
