"""The batch engine's settings, read from django.conf.settings (STACK_BATCH_*) as one validated object."""

from pydantic import BaseModel, Field

from apis.common.conf import settings_group


class BatchSettings(BaseModel):
    chunk_size: int = Field(ge=1, description="Input lines per chunk.")
    concurrency: int = Field(ge=1, description="Requests in flight for one batch, across every worker.")
    chunk_concurrency: int = Field(ge=1, description="Requests in flight within one chunk task.")
    provider_concurrency: int = Field(ge=1, description="Default bound of batch requests in flight per provider.")
    provider_limits: dict[str, int] = Field(description="Per-provider bounds that override the default.")
    max_lines: int = Field(ge=1, description="Most requests one batch may hold.")
    max_errors: int = Field(ge=1, description="Most validation errors reported.")
    lease_seconds: float = Field(gt=0, description="How long a chunk stays with a worker that stops reporting.")
    flush_seconds: float = Field(gt=0, description="How often a chunk task records its results and renews its lease.")
    requeue_seconds: float = Field(gt=0, description="A queued chunk or stage not started by then is sent again.")
    lane_seconds: float = Field(gt=0, description="How long a chunk task keeps taking further chunks of its batch.")
    max_attempts: int = Field(ge=1, description="Attempts at a chunk or stage before its lines count as failed.")
    request_retries: int = Field(ge=0, description="Retries of a request after a transient upstream failure.")
    retry_backoff_seconds: float = Field(ge=0, description="First retry delay; doubled at each further retry.")

    @property
    def chunks_in_flight(self) -> int:
        """Chunk tasks one batch may have at once, so that its requests in flight stay within `concurrency`."""
        return max(1, self.concurrency // self.chunk_concurrency)

    @property
    def requests_per_chunk(self) -> int:
        return min(self.chunk_concurrency, self.concurrency)

    def provider_limit(self, provider_id: str, declared: int | None = None) -> int:
        """Requests in flight for the provider: the configured bound, within what the provider says it can take."""
        limit = self.provider_limits.get(provider_id, self.provider_concurrency)
        return min(limit, declared) if declared else limit


def batch_settings() -> BatchSettings:
    return settings_group(BatchSettings, "STACK_BATCH_")
