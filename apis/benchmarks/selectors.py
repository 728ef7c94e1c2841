"""Reads of the benchmark routing table."""

from typing import Any

from apis.benchmarks.models import RegisteredBenchmark
from apis.benchmarks.table import BENCHMARKS


def benchmark_config_entry(row: RegisteredBenchmark) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "benchmark_id": row.identifier,
        "provider_id": row.provider_id,
        "provider_benchmark_id": row.provider_resource_id,
        "dataset_id": row.dataset_id,
        "scoring_functions": list(row.scoring_functions),
    }
    if row.metadata:
        entry["metadata"] = row.metadata
    return entry


def benchmarks_export_config() -> list[dict[str, Any]]:
    """The benchmarks people and the config registered, as `registered_resources.benchmarks` entries."""
    return BENCHMARKS.export_config(benchmark_config_entry)
