"""Chunks stored by the `inline::orm` vector IO provider, with their vectors, in the Django database."""

from django.db import models


class VectorChunk(models.Model):
    """One chunk of a provider's store (a vector DB's `provider_resource_id`).

    `embedding` is the chunk's vector scaled to unit length, as little-endian float32 bytes: a
    quarter of the space of JSON numbers, and read straight into numpy for the cosine scan.
    """

    provider_id = models.CharField(max_length=128)
    store = models.CharField(max_length=255, help_text="The vector DB's provider_resource_id.")
    chunk_id = models.CharField(max_length=255)
    content = models.JSONField(help_text="A string, or a list of text parts.")
    metadata = models.JSONField(default=dict, blank=True)
    embedding = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider_id", "store", "chunk_id"], name="vector_chunk_per_store"),
        ]
        # The scan reads a store's chunks in id order, page by page.
        indexes = [models.Index(fields=["provider_id", "store", "id"], name="vector_chunk_scan")]

    def __str__(self) -> str:
        return f"{self.store}/{self.chunk_id}"
