"""The benchmark routing table, and the one mapping of its rows to the API's `Benchmark`."""

from apis.benchmarks.models import RegisteredBenchmark
from apis.benchmarks.schemas import Benchmark
from apis.common.errors import BenchmarkNotFoundError
from apis.common.routing_table import RoutingTable
from providers.spec import Api


def benchmark_to_schema(row: RegisteredBenchmark) -> Benchmark:
    return Benchmark(
        identifier=row.identifier,
        provider_resource_id=row.provider_resource_id,
        provider_id=row.provider_id,
        dataset_id=row.dataset_id,
        scoring_functions=list(row.scoring_functions),
        metadata=row.metadata,
    )


BENCHMARKS: RoutingTable[RegisteredBenchmark, Benchmark] = RoutingTable(
    model=RegisteredBenchmark,
    resource_type="benchmark",
    provider_api=Api.eval,
    not_found=BenchmarkNotFoundError,
    to_schema=benchmark_to_schema,
    id_param="benchmark_id",
    provider_resource_param="provider_benchmark_id",
)
