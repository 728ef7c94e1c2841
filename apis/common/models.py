"""`RoutedResource`: the columns every routing-table row has (shields, vector DBs, tool groups...).

A concrete table subclasses it, adds its type-specific fields, and is served by
`apis.common.routing_table.RoutingTable`.
"""

from django.db import models


class RoutedResource(models.Model):
    """A registered resource: the id clients use, the provider serving it and the provider's own id for it."""

    class Source(models.TextChoices):
        CONFIG = "config", "distribution config"
        API = "api", "registered by a person"
        LISTED = "listed_from_provider", "listed by the provider"

    identifier = models.CharField(max_length=255, unique=True, help_text="The id clients use; may contain '/'.")
    provider_id = models.CharField(max_length=128, db_index=True)
    provider_resource_id = models.CharField(max_length=255, help_text="The provider's own id for the resource.")
    owner_principal = models.CharField(max_length=255, blank=True, default="", db_index=True)
    owner_attributes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=32, choices=Source.choices, default=Source.API, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier
