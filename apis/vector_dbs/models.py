"""The vector DB routing table: which vector IO provider stores a vector DB, and under which of its own ids."""

from django.db import models

from apis.common.models import RoutedResource


class RegisteredVectorDB(RoutedResource):
    embedding_model = models.CharField(max_length=255, help_text="The registered embedding model of its chunks.")
    embedding_dimension = models.PositiveIntegerField(help_text="The length of its vectors.")
    vector_db_name = models.CharField(max_length=255, blank=True, default="", help_text="A name for people.")

    class Meta(RoutedResource.Meta):
        verbose_name = "vector DB"
        constraints = [
            # Two vector DBs sharing a provider's store would delete each other's chunks on unregistering.
            models.UniqueConstraint(fields=["provider_id", "provider_resource_id"], name="vector_db_provider_store"),
        ]
