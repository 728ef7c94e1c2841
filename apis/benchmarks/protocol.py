"""The benchmarks API, as the routes call it."""

from typing import Protocol

from apis.benchmarks.schemas import (
    Benchmark,
    BenchmarkDeleted,
    GetBenchmarkRequest,
    ListBenchmarksResponse,
    RegisterBenchmarkRequest,
    UnregisterBenchmarkRequest,
)


class Benchmarks(Protocol):
    async def list_benchmarks(self) -> ListBenchmarksResponse: ...

    async def get_benchmark(self, request: GetBenchmarkRequest) -> Benchmark: ...

    async def register_benchmark(self, request: RegisterBenchmarkRequest) -> Benchmark: ...

    async def unregister_benchmark(self, request: UnregisterBenchmarkRequest) -> BenchmarkDeleted: ...
