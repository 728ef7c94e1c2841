"""Config of the `inline::reference` batches provider."""

from pydantic import BaseModel, ConfigDict


class ReferenceBatchesConfig(BaseModel):
    """No options here: the engine's bounds (chunk size, concurrency, leases) are the STACK_BATCH_* settings,
    which every web process and worker reads from its environment."""

    model_config = ConfigDict(extra="forbid")
