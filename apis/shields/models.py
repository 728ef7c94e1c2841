"""The shield routing table: which safety provider runs a shield, and under which of its own ids."""

from django.db import models

from apis.common.models import RoutedResource


class RegisteredShield(RoutedResource):
    params = models.JSONField(default=dict, blank=True, help_text="Options for the provider, per shield.")

    class Meta(RoutedResource.Meta):
        verbose_name = "shield"
