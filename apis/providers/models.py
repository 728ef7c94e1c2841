"""Provider registrations and the registry's version, which tells every process when to rebuild."""

from django.db import models
from django.db.models import F


class ProviderRegistration(models.Model):
    class Source(models.TextChoices):
        CONFIG = "config", "distribution config"
        ADMIN = "admin", "admin"

    api = models.CharField(max_length=64, db_index=True)
    provider_id = models.CharField(max_length=128, unique=True)
    provider_type = models.CharField(max_length=128)
    module = models.CharField(
        max_length=255, blank=True, default="", help_text="Installed module of an external provider."
    )
    config = models.JSONField(default=dict, blank=True, help_text="Secret fields are stored encrypted.")
    enabled = models.BooleanField(default=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ADMIN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["api", "provider_id"]

    def __str__(self) -> str:
        return f"{self.provider_id} ({self.provider_type})"


class RegistryState(models.Model):
    """One row: bumped on every change to the registrations; records the last config applied."""

    version = models.BigIntegerField(default=0)
    config_digest = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    SINGLETON_ID = 1

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=cls.SINGLETON_ID).update(version=F("version") + 1)
        if not updated:
            cls.objects.get_or_create(pk=cls.SINGLETON_ID, defaults={"version": 1})

    @classmethod
    def current_version(cls) -> int:
        return cls.objects.filter(pk=cls.SINGLETON_ID).values_list("version", flat=True).first() or 0

    @classmethod
    async def acurrent_version(cls) -> int:
        return await cls.objects.filter(pk=cls.SINGLETON_ID).values_list("version", flat=True).afirst() or 0
