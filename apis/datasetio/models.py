"""Rows appended to a dataset: kept in the database, after the rows of the dataset's source."""

from django.db import models


class AppendedRow(models.Model):
    dataset = models.ForeignKey("datasets.RegisteredDataset", on_delete=models.CASCADE, related_name="appended_rows")
    index = models.PositiveIntegerField(help_text="Position among the dataset's appended rows, from 0.")
    data = models.JSONField()

    class Meta:
        ordering = ["dataset", "index"]
        constraints = [models.UniqueConstraint(fields=["dataset", "index"], name="datasetio_appended_row_once")]

    def __str__(self) -> str:
        return f"{self.dataset_id} +{self.index}"
