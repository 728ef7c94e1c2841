"""Eval jobs (a benchmark run against a model by a Celery worker) and each row's generation, recorded once."""

from django.db import models


class EvalJob(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"
        FAILED = "failed"
        CANCELLED = "cancelled"

    ACTIVE = (Status.SCHEDULED, Status.IN_PROGRESS)

    id = models.CharField(primary_key=True, max_length=64, editable=False)
    benchmark_id = models.CharField(max_length=255, db_index=True)
    provider_id = models.CharField(max_length=128, help_text="The eval provider running the job.")
    benchmark_config = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True, help_text="Known once the dataset is read.")
    rows_generated = models.PositiveIntegerField(default=0)
    scores = models.JSONField(null=True, blank=True, help_text="The scoring results, once completed.")
    error = models.TextField(blank=True, default="")

    created_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Whoever holds the token runs the job and renews `leased_until` while it is alive; a job whose lease ran
    # out is sent again by the maintenance sweep (and fails after too many attempts).
    lease_token = models.CharField(max_length=32, blank=True, default="")
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the job was last sent to a worker.")

    owner_principal = models.CharField(max_length=255, blank=True, default="")
    owner_attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "leased_until"], name="eval_job_lease")]
        verbose_name = "eval job"

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def model(self) -> str:
        return str((self.benchmark_config.get("eval_candidate") or {}).get("model", ""))


class EvalGeneration(models.Model):
    """The candidate's answer to one row of the job's dataset."""

    job = models.ForeignKey(EvalJob, on_delete=models.CASCADE, related_name="generations")
    index = models.PositiveIntegerField(help_text="The row, counted from 0.")
    data = models.JSONField()

    class Meta:
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="eval_generation_once")]

    def __str__(self) -> str:
        return f"{self.job_id} row {self.index}"
