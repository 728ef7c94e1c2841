"""Stored files: the metadata row; the bytes live in Django's default storage under `storage_name`."""

from django.db import models


class StoredFile(models.Model):
    id = models.CharField(primary_key=True, max_length=72, editable=False)
    filename = models.CharField(max_length=255)
    purpose = models.CharField(max_length=32, db_index=True)
    bytes = models.BigIntegerField()
    storage_name = models.CharField(max_length=255, help_text="The name of the bytes in the default storage.")
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Kept for access control: who uploaded the file and the attributes they had then.
    owner_principal = models.CharField(max_length=255, blank=True, default="")
    owner_attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="files_created_id")]
        verbose_name = "file"

    def __str__(self) -> str:
        return f"{self.id} ({self.filename})"
