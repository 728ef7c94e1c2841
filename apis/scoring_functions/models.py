"""The scoring-function routing table: which scoring provider runs a function, under which of its own ids."""

from django.db import models

from apis.common.models import RoutedResource


class RegisteredScoringFunction(RoutedResource):
    description = models.TextField(blank=True, default="")
    return_type = models.JSONField(help_text='The type of each row\'s score, e.g. {"type": "number"}.')
    params = models.JSONField(null=True, blank=True, help_text="Default params, used when a request gives none.")
    metadata = models.JSONField(default=dict, blank=True)

    class Meta(RoutedResource.Meta):
        verbose_name = "scoring function"
