"""The eval settings, read from django.conf.settings (STACK_EVAL_*) as one validated object."""

from django.conf import settings
from pydantic import BaseModel, Field


class EvalSettings(BaseModel):
    sync_max_rows: int = Field(ge=1, description="Most rows a synchronous evaluation takes; more is a 400.")
    job_max_rows: int = Field(ge=1, description="Most rows one job evaluates; a larger dataset needs num_examples.")
    concurrency: int = Field(ge=1, description="Rows of one job or evaluation answered at once.")
    lease_seconds: float = Field(gt=0, description="How long a job stays with a worker that stops renewing it.")
    requeue_seconds: float = Field(gt=0, description="A scheduled job no worker started by then is sent again.")
    max_attempts: int = Field(ge=1, description="Workers a job may go through before it fails.")
    request_retries: int = Field(ge=0, description="Retries of a row after a transient upstream failure.")
    retry_backoff_seconds: float = Field(ge=0, description="First retry delay; doubled at each further retry.")

    @property
    def heartbeat_seconds(self) -> float:
        return self.lease_seconds / 4


def eval_settings() -> EvalSettings:
    return EvalSettings(
        sync_max_rows=settings.STACK_EVAL_SYNC_MAX_ROWS,
        job_max_rows=settings.STACK_EVAL_JOB_MAX_ROWS,
        concurrency=settings.STACK_EVAL_CONCURRENCY,
        lease_seconds=settings.STACK_EVAL_LEASE_SECONDS,
        requeue_seconds=settings.STACK_EVAL_REQUEUE_SECONDS,
        max_attempts=settings.STACK_EVAL_MAX_ATTEMPTS,
        request_retries=settings.STACK_EVAL_REQUEST_RETRIES,
        retry_backoff_seconds=settings.STACK_EVAL_RETRY_BACKOFF_SECONDS,
    )
