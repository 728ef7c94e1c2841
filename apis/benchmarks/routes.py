"""Routes of the benchmarks API (under /v1alpha/eval, beside the eval API's)."""

from django.http import HttpRequest
from ninja import Path, Router

from apis.benchmarks.protocol import Benchmarks
from apis.benchmarks.schemas import (
    Benchmark,
    BenchmarkDeleted,
    GetBenchmarkRequest,
    ListBenchmarksResponse,
    RegisterBenchmarkRequest,
    UnregisterBenchmarkRequest,
)


def create_router(impl: Benchmarks) -> Router:
    router = Router(tags=["Benchmarks"])

    @router.get("/eval/benchmarks", response=ListBenchmarksResponse, summary="List benchmarks")
    async def list_benchmarks(request: HttpRequest) -> ListBenchmarksResponse:
        return await impl.list_benchmarks()

    @router.get("/eval/benchmarks/{benchmark_id}", response=Benchmark, summary="Get a benchmark")
    async def get_benchmark(request: HttpRequest, params: Path[GetBenchmarkRequest]) -> Benchmark:
        return await impl.get_benchmark(params)

    @router.post("/eval/benchmarks", response=Benchmark, summary="Register a benchmark")
    async def register_benchmark(request: HttpRequest, body: RegisterBenchmarkRequest) -> Benchmark:
        return await impl.register_benchmark(body)

    @router.delete("/eval/benchmarks/{benchmark_id}", response=BenchmarkDeleted, summary="Unregister a benchmark")
    async def unregister_benchmark(request: HttpRequest, params: Path[UnregisterBenchmarkRequest]) -> BenchmarkDeleted:
        return await impl.unregister_benchmark(params)

    return router
