"""The benchmarks API over the benchmark routing table."""

from asgiref.sync import sync_to_async

from apis.benchmarks.schemas import (
    Benchmark,
    BenchmarkDeleted,
    GetBenchmarkRequest,
    ListBenchmarksResponse,
    RegisterBenchmarkRequest,
    UnregisterBenchmarkRequest,
)
from apis.benchmarks.services import benchmark_register, benchmark_unregister
from apis.benchmarks.table import BENCHMARKS, benchmark_to_schema


class BenchmarksRoutingTable:
    async def list_benchmarks(self) -> ListBenchmarksResponse:
        return ListBenchmarksResponse(data=[benchmark_to_schema(row) for row in await BENCHMARKS.alist_rows()])

    async def get_benchmark(self, request: GetBenchmarkRequest) -> Benchmark:
        return benchmark_to_schema(await BENCHMARKS.aget(request.benchmark_id))

    async def register_benchmark(self, request: RegisterBenchmarkRequest) -> Benchmark:
        row = await sync_to_async(benchmark_register)(
            identifier=request.benchmark_id,
            dataset_id=request.dataset_id,
            scoring_functions=request.scoring_functions,
            provider_resource_id=request.provider_benchmark_id,
            provider_id=request.provider_id,
            metadata=request.metadata,
        )
        return benchmark_to_schema(row)

    async def unregister_benchmark(self, request: UnregisterBenchmarkRequest) -> BenchmarkDeleted:
        await sync_to_async(benchmark_unregister)(identifier=request.benchmark_id)
        return BenchmarkDeleted(identifier=request.benchmark_id)
