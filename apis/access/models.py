"""API keys (stored hashed) and the access policy that ops view and edit in the admin."""

from django.db import models


class ApiKey(models.Model):
    principal = models.CharField(max_length=255, db_index=True, help_text="Who the key authenticates.")
    attributes = models.JSONField(
        default=dict, blank=True,
        help_text='Lists of strings by kind, e.g. {"roles": ["admin"], "teams": ["ml"]}.',
    )
    key_prefix = models.CharField(max_length=24, help_text="The start of the key, to recognise it.")
    key_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the key; the key itself is never kept."
    )
    description = models.CharField(max_length=255, blank=True, default="")
    revoked = models.BooleanField(default=False)
    requests_per_minute = models.PositiveIntegerField(null=True, blank=True, help_text="Overrides server.quota.")
    requests_per_day = models.PositiveIntegerField(null=True, blank=True, help_text="Overrides server.quota.")
    quota_hits = models.PositiveIntegerField(default=0, help_text="Requests refused by the quota.")
    last_quota_hit_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["principal", "created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.principal} ({self.key_prefix}…)"


class AccessPolicy(models.Model):
    """One row: the access and route rules. Seeded from server.auth of the config unless edited here."""

    class Source(models.TextChoices):
        CONFIG = "config", "distribution config"
        ADMIN = "admin", "admin"

    rules = models.JSONField(default=list, blank=True, help_text="access_policy rules, the first match decides.")
    route_rules = models.JSONField(default=list, blank=True, help_text="route_policy rules.")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.CONFIG)
    updated_at = models.DateTimeField(auto_now=True)

    SINGLETON_ID = 1

    class Meta:
        verbose_name = "access policy"
        verbose_name_plural = "access policy"

    def __str__(self) -> str:
        return f"Access policy ({len(self.rules)} rules, {len(self.route_rules)} route rules)"
