"""The dataset routing table: which datasetio provider serves a dataset, its purpose and where its rows come from."""

from django.db import models

from apis.common.models import RoutedResource


class RegisteredDataset(RoutedResource):
    class Purpose(models.TextChoices):
        POST_TRAINING_MESSAGES = "post-training/messages"
        EVAL_QUESTION_ANSWER = "eval/question-answer"
        EVAL_MESSAGES_ANSWER = "eval/messages-answer"

    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    # The API's `source` (the base's `source` column says where the registration came from).
    data_source = models.JSONField(help_text='{"type": "rows", "rows": [...]} or {"type": "uri", "uri": "..."}.')
    metadata = models.JSONField(default=dict, blank=True)

    class Meta(RoutedResource.Meta):
        verbose_name = "dataset"
