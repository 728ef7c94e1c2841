"""The eval settings, read from django.conf.settings (STACK_EVAL_*) as one validated object."""

from pydantic import BaseModel, Field

from apis.common.conf import settings_group


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
    return settings_group(EvalSettings, "STACK_EVAL_")
