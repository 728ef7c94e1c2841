"""Contracts of the eval API: the benchmark config (the model candidate and its sampling), jobs and results."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from apis.benchmarks.schemas import BENCHMARK_ID_PATTERN
from apis.scoring.schemas import ScoringResult
from apis.scoring_functions.schemas import ScoringFnParams

JobStatus = Literal["scheduled", "in_progress", "completed", "failed", "cancelled"]


class GreedySamplingStrategy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["greedy"] = "greedy"


class TopPSamplingStrategy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["top_p"] = "top_p"
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=0.95, ge=0, le=1)


class TopKSamplingStrategy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["top_k"] = "top_k"
    top_k: int = Field(ge=1, description="Passed on as 'top_k', which vLLM-like services accept.")


SamplingStrategy = Annotated[
    GreedySamplingStrategy | TopPSamplingStrategy | TopKSamplingStrategy, Field(discriminator="type")
]


class SamplingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    strategy: SamplingStrategy = Field(default_factory=GreedySamplingStrategy)
    max_tokens: int | None = Field(default=None, ge=1, description="Most tokens per answer.")
    repetition_penalty: float | None = Field(default=None, description="Passed on when set (vLLM-like services).")
    stop: list[str] | None = Field(default=None, max_length=4)


class SystemMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["system"] = "system"
    content: str


class ModelCandidate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["model"] = Field(description="Only models are evaluated here (not agents).")
    model: str = Field(min_length=1, description="A registered LLM the caller may use.")
    sampling_params: SamplingParams = Field(default_factory=SamplingParams)
    system_message: SystemMessage | None = Field(default=None, description="Sent before each row's messages.")


class BenchmarkConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eval_candidate: ModelCandidate
    scoring_params: dict[str, ScoringFnParams] = Field(
        default_factory=dict, description="Params per scoring function id, instead of the function's own."
    )
    num_examples: int | None = Field(default=None, ge=1, description="Evaluate only the dataset's first rows.")


class BenchmarkPath(BaseModel):
    benchmark_id: str = Field(pattern=BENCHMARK_ID_PATTERN, description="The benchmark id.")


class RunEvalBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    benchmark_config: BenchmarkConfig


class RunEvalRequest(RunEvalBody, BenchmarkPath):
    pass


class EvaluateRowsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    benchmark_config: BenchmarkConfig
    input_rows: list[dict[str, Any]] | None = Field(
        default=None, description="The rows to evaluate; the benchmark dataset's (first num_examples) when omitted."
    )
    scoring_functions: list[str] | None = Field(
        default=None, description="The scoring functions; the benchmark's when omitted."
    )


class EvaluateRowsRequest(EvaluateRowsBody, BenchmarkPath):
    pass


class JobRequest(BenchmarkPath):
    job_id: str = Field(description="The job id.")


class JobProgress(BaseModel):
    generated: int = Field(description="Rows the candidate has answered.")
    total: int | None = Field(description="Rows to answer; null until the job has read the dataset.")


class Job(BaseModel):
    job_id: str
    benchmark_id: str
    status: JobStatus
    progress: JobProgress
    error: str | None = Field(default=None, description="Why the job failed.")
    created_at: int = Field(description="Unix time (seconds).")
    started_at: int | None = None
    completed_at: int | None = Field(default=None, description="When the job ended, however it ended.")


class EvaluateResponse(BaseModel):
    generations: list[dict[str, Any]] = Field(description="Per row, in order: {'generated_answer': ...}.")
    scores: dict[str, ScoringResult] = Field(description="Per scoring function id.")
