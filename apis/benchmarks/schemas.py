"""Contracts of the benchmarks API: registered benchmarks as Llama Stack describes them."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Benchmark ids are one path segment: the eval routes continue after them (/eval/benchmarks/{id}/jobs/...).
BENCHMARK_ID_PATTERN = r"^[^/]+$"


class Benchmark(BaseModel):
    identifier: str = Field(description="The benchmark id to use in requests.")
    provider_resource_id: str = Field(description="The provider's own id for the benchmark.")
    provider_id: str = Field(description="The eval provider running the benchmark.")
    type: Literal["benchmark"] = "benchmark"
    dataset_id: str = Field(description="The dataset of the questions and expected answers.")
    scoring_functions: list[str] = Field(description="The scoring functions that grade the answers.")
    metadata: dict[str, Any] = Field(default_factory=dict)


class ListBenchmarksResponse(BaseModel):
    data: list[Benchmark]


class GetBenchmarkRequest(BaseModel):
    benchmark_id: str = Field(description="The benchmark id.")


class UnregisterBenchmarkRequest(BaseModel):
    benchmark_id: str = Field(description="The benchmark id.")


class RegisterBenchmarkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    benchmark_id: str = Field(
        min_length=1, max_length=255, pattern=BENCHMARK_ID_PATTERN, description="The id clients will use (no '/')."
    )
    dataset_id: str = Field(min_length=1, description="A registered dataset the caller can read.")
    scoring_functions: list[str] = Field(min_length=1, description="Registered scoring functions the caller can use.")
    provider_benchmark_id: str | None = Field(
        default=None, min_length=1, max_length=255, description="The provider's own id; defaults to benchmark_id."
    )
    provider_id: str | None = Field(
        default=None, description="The eval provider running it; optional when there is exactly one."
    )
    metadata: dict[str, Any] | None = None


class BenchmarkDeleted(BaseModel):
    identifier: str
    type: Literal["benchmark"] = "benchmark"
    deleted: bool = True
