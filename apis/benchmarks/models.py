"""The benchmark routing table: a dataset and the scoring functions that grade answers to it, run by an eval
provider."""

from django.db import models

from apis.common.models import RoutedResource


class RegisteredBenchmark(RoutedResource):
    dataset_id = models.CharField(max_length=255, db_index=True)
    scoring_functions = models.JSONField(help_text="The scoring function ids, in order.")
    metadata = models.JSONField(default=dict, blank=True)

    class Meta(RoutedResource.Meta):
        verbose_name = "benchmark"
