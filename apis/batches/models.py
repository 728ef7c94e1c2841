"""Batches, their chunks (the unit of work a Celery task leases) and each request's result, recorded once."""

from django.db import models


class Batch(models.Model):
    class Status(models.TextChoices):
        VALIDATING = "validating"
        FAILED = "failed"
        IN_PROGRESS = "in_progress"
        FINALIZING = "finalizing"
        COMPLETED = "completed"
        EXPIRED = "expired"
        CANCELLING = "cancelling"
        CANCELLED = "cancelled"

    TERMINAL = (Status.FAILED, Status.COMPLETED, Status.EXPIRED, Status.CANCELLED)

    id = models.CharField(primary_key=True, max_length=64, editable=False)
    endpoint = models.CharField(max_length=64)
    input_file_id = models.CharField(max_length=72)
    completion_window = models.CharField(max_length=16)
    metadata = models.JSONField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=256, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VALIDATING, db_index=True)
    model = models.CharField(max_length=255, null=True, blank=True, help_text="Set when every request uses it.")
    # The inference provider serving the batch's requests, for the per-provider bound ("" when several).
    provider_id = models.CharField(max_length=128, blank=True, default="", db_index=True)
    errors = models.JSONField(null=True, blank=True, help_text="Validation errors: [{code, message, param, line}].")
    output_file_id = models.CharField(max_length=72, null=True, blank=True)
    error_file_id = models.CharField(max_length=72, null=True, blank=True)

    created_at = models.DateTimeField(db_index=True)
    in_progress_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    finalizing_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Set by the maintenance sweep when the window passes; the status becomes "expired" once the files exist.
    expired_at = models.DateTimeField(null=True, blank=True)
    cancelling_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    request_total = models.PositiveIntegerField(default=0)
    request_completed = models.PositiveIntegerField(default=0)
    request_failed = models.PositiveIntegerField(default=0)
    input_tokens = models.BigIntegerField(default=0)
    cached_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    reasoning_tokens = models.BigIntegerField(default=0)
    total_tokens = models.BigIntegerField(default=0)

    # When validation or finalization was last sent to a worker, and how often it was started: the
    # maintenance sweep sends a stalled stage again, and fails the batch after too many attempts.
    stage_sent_at = models.DateTimeField(null=True, blank=True)
    stage_attempts = models.PositiveIntegerField(default=0)

    owner_principal = models.CharField(max_length=255, blank=True, default="")
    owner_attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class BatchChunk(models.Model):
    """A run of input lines (a byte range of the input file) that one Celery task processes at a time."""

    class Status(models.TextChoices):
        PENDING = "pending"  # planned, no task sent yet
        QUEUED = "queued"  # a task was sent for it
        RUNNING = "running"  # a worker holds its lease
        DONE = "done"  # every line has its result
        STOPPED = "stopped"  # the batch was cancelled or expired first

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    first_line = models.PositiveIntegerField()
    last_line = models.PositiveIntegerField()
    byte_start = models.BigIntegerField()
    byte_end = models.BigIntegerField()
    line_count = models.PositiveIntegerField(help_text="Requests in the chunk (blank lines are not counted).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    queued_at = models.DateTimeField(null=True, blank=True)
    # Whoever holds the token may record results for the chunk; a worker that lost it (its lease ran out
    # and the chunk went to another) finds out at its next write and stops.
    lease_token = models.CharField(max_length=32, blank=True, default="")
    leased_by = models.CharField(
        max_length=255, blank=True, default="", help_text="The worker (node and process) that last took the chunk."
    )
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    recorded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["batch", "index"]
        constraints = [models.UniqueConstraint(fields=["batch", "index"], name="batch_chunk_index_unique")]
        indexes = [models.Index(fields=["status", "leased_until"], name="batch_chunk_lease")]

    def __str__(self) -> str:
        return f"{self.batch_id} chunk {self.index} ({self.status})"


class BatchResult(models.Model):
    """The result of one input line, written to the output or the error file at finalization."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="results")
    line = models.PositiveIntegerField(help_text="The input line, counted from 1.")
    succeeded = models.BooleanField()
    payload = models.TextField(help_text="The JSON line of the output or error file.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="batch_result_once")]

    def __str__(self) -> str:
        return f"{self.batch_id} line {self.line}"
