"""Writes to the benchmark routing table: registrations by people and by the distribution config."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apis.benchmarks.models import RegisteredBenchmark
from apis.benchmarks.schemas import BENCHMARK_ID_PATTERN
from apis.benchmarks.table import BENCHMARKS
from apis.common.errors import BadRequestError, DatasetNotFoundError, ScoringFunctionNotFoundError
from apis.common.models import RoutedResource
from apis.common.routing_table import Registration
from apis.datasets.table import DATASETS
from apis.scoring_functions.selectors import scoring_functions_ensure_listed
from apis.scoring_functions.table import SCORING_FUNCTIONS


def benchmark_references_check(*, dataset_id: str, scoring_functions: list[str]) -> None:
    """The caller can read the benchmark's dataset and every one of its scoring functions."""
    BENCHMARKS.stack()  # applies the distribution config: its datasets and scoring functions count
    try:
        DATASETS.get(dataset_id, param="dataset_id")
    except DatasetNotFoundError as exc:
        raise BadRequestError(exc.message, code="not_found", param="dataset_id") from None
    scoring_functions_ensure_listed()
    for index, identifier in enumerate(scoring_functions):
        try:
            SCORING_FUNCTIONS.get(identifier)
        except ScoringFunctionNotFoundError as exc:
            raise BadRequestError(exc.message, code="not_found", param=f"scoring_functions.{index}") from None
    if len(set(scoring_functions)) != len(scoring_functions):
        raise BadRequestError("scoring_functions names a function more than once.", param="scoring_functions")


def benchmark_register(
    *,
    identifier: str,
    dataset_id: str,
    scoring_functions: list[str],
    provider_resource_id: str | None = None,
    provider_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    owner: dict[str, Any] | None = None,
) -> RegisteredBenchmark:
    """Register a benchmark (owned by the caller unless `owner` says otherwise) over a dataset and scoring
    functions the caller can use."""
    benchmark_references_check(dataset_id=dataset_id, scoring_functions=scoring_functions)
    registration = Registration(
        identifier=identifier,
        provider_id=provider_id,
        provider_resource_id=provider_resource_id,
        fields={"dataset_id": dataset_id, "scoring_functions": scoring_functions, "metadata": metadata or {}},
    )
    return BENCHMARKS.register(registration, source=RoutedResource.Source.API, owner=owner)


def benchmark_unregister(*, identifier: str) -> None:
    BENCHMARKS.unregister(identifier)


class ConfigBenchmarkEntry(BaseModel):
    """One entry of `registered_resources.benchmarks` in the distribution config."""

    model_config = ConfigDict(extra="forbid")

    benchmark_id: str = Field(min_length=1, max_length=255, pattern=BENCHMARK_ID_PATTERN)
    dataset_id: str = Field(min_length=1)
    scoring_functions: list[str] = Field(min_length=1)
    provider_id: str | None = None
    provider_benchmark_id: str | None = Field(default=None, min_length=1, max_length=255)
    metadata: dict[str, Any] | None = None


def _registration(entry: ConfigBenchmarkEntry) -> Registration:
    # The dataset and scoring functions are looked up when the benchmark runs: providers list their functions
    # once they run, after the config is applied.
    return Registration(
        identifier=entry.benchmark_id,
        provider_id=entry.provider_id,
        provider_resource_id=entry.provider_benchmark_id,
        fields={
            "dataset_id": entry.dataset_id,
            "scoring_functions": entry.scoring_functions,
            "metadata": entry.metadata or {},
        },
    )


def benchmarks_apply_config(*, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply `registered_resources.benchmarks`; returns how many rows changed and the entries' errors."""
    return BENCHMARKS.apply_config(
        key="benchmarks",
        entries=entries,
        entry_class=ConfigBenchmarkEntry,
        identifier_key="benchmark_id",
        to_registration=_registration,
    )
