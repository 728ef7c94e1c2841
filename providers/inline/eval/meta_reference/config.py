"""Config of the `inline::meta-reference` eval provider."""

from pydantic import BaseModel, ConfigDict


class MetaReferenceEvalConfig(BaseModel):
    """No options here: the bounds of jobs and evaluations (rows, concurrency, leases) are the STACK_EVAL_*
    settings, which every web process and worker reads from its environment."""

    model_config = ConfigDict(extra="forbid")
